package io.github.gdln.benchmarks;

import io.github.gdln.datasets.Rotation;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The single kernels the k-path step's design choices rest on, at M = 40, H = 128, D = 784, batch 8, K = 10, C = 10,
 * float32, one thread (microseconds per operation): the deferred window's gemm (one block's X E_0^T, the unit whose
 * speed the BLAS kernel family decides), the plain step's encoder forward in both output orientations, the decoder
 * stage's batched per-domain matmul against one dense gemm over a block's trained output domains, and a rotation of
 * the images of one step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KernelBenchmark {
    private static final int ROWS = 20 * 128;
    private static final int D = 784;
    private static final int B = 8;

    private INDArray encoders;
    private INDArray window;
    private INDArray windowTimesEncoders;
    private INDArray batch;
    private INDArray byRow;
    private INDArray bySample;
    private Mmul batchedLogits;
    private INDArray hidden;
    private INDArray unionDecoders;
    private INDArray unionLogits;
    private Rotation rotation;
    private float[] images;
    private float[] rotated;

    /** Random operands of the shapes above. */
    @Setup
    public void setUp() {
        encoders = Nd4j.rand(DataType.FLOAT, ROWS, D);
        window = Nd4j.rand(DataType.FLOAT, 16 * B, D);
        windowTimesEncoders = Nd4j.create(DataType.FLOAT, 16 * B, ROWS);
        batch = Nd4j.rand(DataType.FLOAT, B, D);
        byRow = Nd4j.create(DataType.FLOAT, ROWS, B);
        bySample = Nd4j.create(DataType.FLOAT, B, ROWS);
        batchedLogits = new Mmul(Nd4j.rand(DataType.FLOAT, 20, B, 128), Nd4j.rand(DataType.FLOAT, 20, 100, 128),
                Nd4j.create(DataType.FLOAT, 20, B, 100), 1.0, 0.0, MMulTranspose.builder().transposeB(true).build());
        hidden = Nd4j.rand(DataType.FLOAT, 20 * B, 128);
        unionDecoders = Nd4j.rand(DataType.FLOAT, 290, 128);
        unionLogits = Nd4j.create(DataType.FLOAT, 20 * B, 290);
        rotation = Rotation.forDomain(7, 40, 28, 28, 1);
        images = new float[40 * B * D];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int k = 0; k < images.length; k++) {
            images[k] = (float) rnd.nextDouble();
        }
        rotated = new float[images.length];
    }

    /** One block's X E_0^T of a 16-step window: [128 x 784] x [784 x 2560], 514 MFLOP. */
    @Benchmark
    public INDArray windowGemm() {
        return Nd4j.gemm(window, encoders, windowTimesEncoders, false, true, 1.0, 0.0);
    }

    /** The plain step's encoder forward of one block as E x^T, [2560 x 8] (the orientation the step uses). */
    @Benchmark
    public INDArray forwardByRow() {
        return Nd4j.gemm(encoders, batch, byRow, false, true, 1.0, 0.0);
    }

    /** The same product as x E^T, [8 x 2560]. */
    @Benchmark
    public INDArray forwardBySample() {
        return Nd4j.gemm(batch, encoders, bySample, false, true, 1.0, 0.0);
    }

    /** One block's trained logits as the step computes them: 20 domains x [8 x 128] x [128 x 100]. */
    @Benchmark
    public Mmul decoderBatched() {
        Nd4j.exec(batchedLogits);
        return batchedLogits;
    }

    /** The same block's logits as one gemm over the union of its trained outputs (29 of 40 with band gates). */
    @Benchmark
    public INDArray decoderDenseUnion() {
        return Nd4j.gemm(hidden, unionDecoders, unionLogits, false, true, 1.0, 0.0);
    }

    /** The rotations of one step's images at M = 40: 320 images of 28 x 28, bilinear. */
    @Benchmark
    public float[] rotateStep() {
        rotation.applyBatch(images, rotated, 40 * B);
        return rotated;
    }
}
