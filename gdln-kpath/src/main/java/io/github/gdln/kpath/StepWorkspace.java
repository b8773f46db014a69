package io.github.gdln.kpath;

import io.github.gdln.core.util.DirectElements;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The preallocated buffers and ops of a k-path step for one batch size b (the step allocates nothing): encoder
 * outputs, hidden activations, gathered decoders, logits and their gradients for all M input domains, and for each
 * block of input domains ({@link DomainBlock}) row views of them with the batched matmuls over the block.
 */
final class StepWorkspace {
    final INDArray z;
    final INDArray zp;
    final INDArray y;
    final INDArray dfg;
    /**
     * Per part of {@link TrainedPathways#outputSplit} (null when it has no output domain): its decoder gradients
     * gathered, [kCol x n*C*H], and the same buffer as the [kCol*n x C*H] rows the gather writes.
     */
    final INDArray[] dfcol;
    final INDArray[] dfcolRows;
    final INDArray ones;
    final INDArray du;
    final DirectElements zElements;
    final DirectElements zpElements;
    final DirectElements uElements;
    final DirectElements yElements;
    final DirectElements duElements;
    final DirectElements dzpElements;
    final DirectElements dzElements;
    /** Loss sum of each input domain's trained pairs. */
    final double[] lossSum;
    /** Views and ops of each block of input domains. */
    final DomainBlock[] domainBlocks;

    StepWorkspace(int b, int m, int h, int c, DataType type, TrainedPathways paths, int[] domSplit) {
        lossSum = new double[m];
        z = Nd4j.create(type, (long) m * h * b);
        zp = Nd4j.create(type, (long) m * b, h);
        INDArray u = Nd4j.create(type, (long) m * b, h);
        INDArray fg = Nd4j.create(type, (long) m * paths.kRow, (long) c * h);
        y = Nd4j.create(type, (long) m * b, (long) paths.kRow * c);
        dfg = Nd4j.create(type, (long) m * paths.kRow + 1, (long) c * h);
        dfcol = new INDArray[2];
        dfcolRows = new INDArray[2];
        for (int p = 0; p < 2; p++) {
            int n = paths.outputSplit[p + 1] - paths.outputSplit[p];
            if (n > 0) {
                dfcol[p] = Nd4j.create(type, paths.kCol, (long) n * c * h);
                dfcolRows[p] = dfcol[p].reshape('c', (long) paths.kCol * n, (long) c * h);
            }
        }
        ones = Nd4j.ones(type, 1, paths.kCol);
        du = Nd4j.create(type, (long) m * b, h);
        INDArray dzp = Nd4j.create(type, (long) m * b, h);
        INDArray dz = Nd4j.create(type, (long) m * h * b);
        zElements = DirectElements.of(z);
        zpElements = DirectElements.of(zp);
        uElements = DirectElements.of(u);
        yElements = DirectElements.of(y);
        duElements = DirectElements.of(du);
        dzpElements = DirectElements.of(dzp);
        dzElements = DirectElements.of(dz);
        domainBlocks = new DomainBlock[domSplit.length - 1];
        for (int t = 0; t < domainBlocks.length; t++) {
            int i0 = domSplit[t];
            int i1 = domSplit[t + 1];
            domainBlocks[t] = new DomainBlock(b, i0, i1, h, c, paths, z, zp, u, fg, y, dfg, du, dzp, dz);
        }
    }

    /** Input domains [i0, i1) of a step's buffers: row blocks of the workspace arrays and the batched ops on them. */
    static final class DomainBlock {
        /** Encoder outputs of the deferred step, sample-major [b x n*H]: X E^T over the block's encoder rows. */
        final INDArray z;
        /**
         * The same elements as [n*H x b], E x^T: the plain step's forward (434 against 812 µs as x E^T at M = 40,
         * {@code KernelBenchmark.forwardByRow} / {@code forwardBySample}).
         */
        final INDArray zByRow;
        final INDArray zp;
        final INDArray zp3;
        final INDArray u;
        final INDArray fg;
        final INDArray du;
        final INDArray dzp;
        final INDArray dzp3;
        /** dL/dZ in the layout of {@link #z}. */
        final INDArray dz;
        final int[] gather;
        final Mmul mmulLogits;
        final Mmul mmulDecGrad;
        final Mmul mmulHiddenGrad;
        final double[] prob;

        DomainBlock(int b, int i0, int i1, int h, int c, TrainedPathways paths, INDArray zAll, INDArray zpAll,
                    INDArray uAll, INDArray fgAll, INDArray yAll, INDArray dfgAll, INDArray duAll, INDArray dzpAll,
                    INDArray dzAll) {
            int n = i1 - i0;
            int k = paths.kRow;
            prob = new double[c];
            z = KPathLayout.view(zAll, i0 * h * b, b, (long) n * h);
            zByRow = KPathLayout.view(zAll, i0 * h * b, (long) n * h, b);
            dz = KPathLayout.view(dzAll, i0 * h * b, b, (long) n * h);
            zp = KPathLayout.rows(zpAll, (long) i0 * b, (long) i1 * b);
            zp3 = zp.reshape('c', n, b, h);
            u = KPathLayout.rows(uAll, (long) i0 * b, (long) i1 * b);
            INDArray u3 = u.reshape('c', n, b, h);
            fg = KPathLayout.rows(fgAll, (long) i0 * k, (long) i1 * k);
            INDArray fg3 = fg.reshape('c', n, (long) k * c, h);
            INDArray y3 = KPathLayout.rows(yAll, (long) i0 * b, (long) i1 * b).reshape('c', n, b, (long) k * c);
            INDArray dfg3 = KPathLayout.rows(dfgAll, (long) i0 * k, (long) i1 * k).reshape('c', n, (long) k * c, h);
            du = KPathLayout.rows(duAll, (long) i0 * b, (long) i1 * b);
            INDArray du3 = du.reshape('c', n, b, h);
            dzp = KPathLayout.rows(dzpAll, (long) i0 * b, (long) i1 * b);
            dzp3 = dzp.reshape('c', n, b, h);
            gather = java.util.Arrays.copyOfRange(paths.gatherDecoders, i0 * k, i1 * k);
            mmulLogits = new Mmul(u3, fg3, y3, 1.0, 0.0, MMulTranspose.builder().transposeB(true).build());
            mmulDecGrad = new Mmul(y3, u3, dfg3, 1.0, 0.0, MMulTranspose.builder().transposeA(true).build());
            mmulHiddenGrad = new Mmul(y3, fg3, du3, 1.0, 0.0, MMulTranspose.builder().build());
        }
    }
}
