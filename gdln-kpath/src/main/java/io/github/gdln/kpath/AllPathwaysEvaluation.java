package io.github.gdln.kpath;

import io.github.gdln.core.util.DirectElements;
import io.github.gdln.core.util.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loss and accuracy of all M² pathways from the encoder outputs, with few large ops per chunk of images.
 *
 * <p>The model is linear after the encoder, so pathway (i, j)'s logits are
 * {@code F_j (W (z_i + b_i) + c) + d_j = G_j z_i + t_ij} with {@code G = F W} (all decoders times the hidden layer,
 * [M*C x H], computed once per evaluation) and {@code t_ij = G_j b_i + F_j c + d_j} ([M x M*C], also once). A chunk
 * then costs one gemm of its encoder outputs (all M domains as rows) against {@code G^T}, one broadcast add of t, and
 * the max-shift and exp of all logits as whole-array ops; the Java loop per pathway finds the argmax and forms the
 * loss as {@link SoftmaxCrossEntropy} defines it, {@code log1p(sum of the other exps) - (z_t - max)} (finite for any
 * finite logits, relative accuracy kept for tiny losses). Rounding differs from evaluating the layers one after
 * another (float32: ~1e-6 relative in the losses). Every chunk works in the buffers of a {@link Scratch} (one per
 * thread, allocated once per evaluation): allocating ~35 MB per chunk of 250 images at M = 40 made the evaluation's
 * time vary by 2x from epoch to epoch.
 */
final class AllPathwaysEvaluation {
    private final int m;
    private final int c;
    private final int[][] labelMaps;
    /** G^T = (F W)^T, [H x M*C]. */
    private final INDArray foldedDecodersT;
    /** t, [M x M*C]: row i holds the constant logits of pathways (i, 0..M-1). */
    private final INDArray constants;

    /**
     * @param encoderBias [M x H] encoder biases b_i
     * @param hidden      W [H x H]
     * @param hiddenBias  c [1 x H]
     * @param decoders    F, all decoders [M*C x H]
     * @param decoderBias d [1 x M*C]
     */
    AllPathwaysEvaluation(int m, int c, int[][] labelMaps, INDArray encoderBias, INDArray hidden, INDArray hiddenBias,
            INDArray decoders, INDArray decoderBias) {
        this.m = m;
        this.c = c;
        this.labelMaps = labelMaps;
        foldedDecodersT = Nd4j.gemm(decoders, hidden, false, false).transpose().dup('c');
        INDArray outConst = Nd4j.gemm(hiddenBias, decoders, false, true).addi(decoderBias); // [1 x M*C]
        constants = Nd4j.gemm(encoderBias, foldedDecodersT, false, false).addiRowVector(outConst);
    }

    /**
     * Adds the chunk's per-pathway losses and hits to {@code stats}.
     *
     * @param z            encoder outputs without bias, [n*M x H]: rows (s, i) when {@code sampleMajor}, else (i, s)
     * @param labels       the n labels
     * @param sampleMajor  the row order of z
     */
    void add(INDArray z, int[] labels, boolean sampleMajor, PairStats stats, Scratch scratch) {
        int n = labels.length;
        long mc = (long) m * c;
        long rows = (long) n * m * m;
        INDArray y = KPathLayout.view(scratch.logits, 0, (long) n * m, mc);
        Nd4j.gemm(z, foldedDecodersT, y, false, false, 1.0, 0.0);
        INDArray y3 = y.reshape('c', sampleMajor ? n : m, sampleMajor ? m : n, mc);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(y3, constants, y3, sampleMajor ? new int[] {1, 2}
                : new int[] {0, 2}));
        INDArray logits = y.reshape('c', rows, c);
        INDArray rowMax = KPathLayout.view(scratch.rowMax, 0, rows, 1);
        Nd4j.exec(new Max(logits, rowMax.reshape(rows), 1));
        logits.subiColumnVector(rowMax);
        INDArray exps = KPathLayout.view(scratch.exps, 0, rows, c);
        Nd4j.exec(new Exp(logits, exps));
        DirectElements shifted = DirectElements.of(logits);
        DirectElements exp = DirectElements.of(exps);
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < m; i++) {
                int row = sampleMajor ? s * m + i : i * n + s;
                for (int j = 0; j < m; j++) {
                    int base = (row * m + j) * c;
                    int target = labelMaps[j][labels[s]];
                    int arg = argMax(shifted, base);
                    double rest = 0;
                    for (int q = 0; q < c; q++) {
                        rest += q == arg ? 0 : exp.get(base + q);
                    }
                    stats.addPair(i, j, Math.log1p(rest) - shifted.get(base + target), arg == target);
                }
            }
        }
        stats.addSamples(n);
    }

    /** The buffers of {@link #add} and of the encoder outputs of one thread, for chunks of up to n images. */
    static final class Scratch {
        /** Encoder outputs of a chunk, up to [n x M*H]. */
        final INDArray encoded;
        private final INDArray logits;
        private final INDArray exps;
        private final INDArray rowMax;

        Scratch(int n, int m, int h, int c, DataType type) {
            long rows = (long) n * m * m;
            encoded = Nd4j.create(type, (long) n * m * h);
            logits = Nd4j.create(type, rows * c);
            exps = Nd4j.create(type, rows * c);
            rowMax = Nd4j.create(type, rows);
        }
    }

    /** First index of the largest of the C logits at {@code base}, or of a NaN (as {@link SoftmaxCrossEntropy#argMax}). */
    private int argMax(DirectElements z, int base) {
        int arg = 0;
        double best = z.get(base);
        for (int q = 1; q < c; q++) {
            double v = z.get(base + q);
            if (Double.isNaN(v)) {
                return q;
            }
            if (v > best) {
                best = v;
                arg = q;
            }
        }
        return arg;
    }
}
