package io.github.gdln.benchmarks;

import io.github.gdln.kpath.KPathConfig;
import io.github.gdln.kpath.KPathModel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The plain step ({@link KPathModel#train}, {@code window} = 1) beside the deferred encoder update
 * ({@link KPathModel#trainWindow}, {@code window} = w steps), with folded or per-domain inputs ({@code inputs}), at the
 * size of {@link KPathStepBenchmark}: D = 784, C = 10, H = 128, K = 10, batch 8, float32. Every invocation trains
 * {@value #STEPS} steps (96 / w windows), so the score is images per second counted as the PyTorch peer counts them
 * (base images per step times steps per second) for all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(1)
public class KPathWindowBenchmark {
    /** Steps per invocation (a multiple of every window measured). */
    public static final int STEPS = 96;
    private static final int BATCH = KPathStepBenchmark.BATCH;

    /** Number of input (and output) domains M. */
    @Param({"40", "100"})
    public int domains;

    /** Steps per encoder window: 1 = the plain step. */
    @Param({"1", "16"})
    public int window;

    /**
     * {@code folded}: one batch for all domains (permutations folded, {@link KPathModel#train} /
     * {@link KPathModel#trainWindow}); {@code per-domain}: a batch per domain, as rotations give
     * ({@link KPathModel#trainPerDomain} / {@link KPathModel#trainWindowPerDomain}).
     */
    @Param({"folded", "per-domain"})
    public String inputs;

    private KPathModel model;
    private INDArray[] windows;
    private int[][] labels;

    /** Builds the model and {@value #STEPS} random batches (inputs in [0, 1)), cut into windows. */
    @Setup
    public void setUp() {
        if (STEPS % window != 0) {
            throw new IllegalArgumentException("window must divide " + STEPS + ", got " + window);
        }
        KPathConfig cfg = new KPathConfig(domains, 784, 128, 10, BATCH, DataType.FLOAT, 1.0, 1e-4, 0.9, 1L);
        Random rnd = new Random(1);
        model = new KPathModel(cfg, KPathStepBenchmark.kPlusModPermuted(domains, 10, rnd),
                KPathStepBenchmark.labelMaps(domains, 10, rnd));
        int n = STEPS / window;
        windows = new INDArray[n];
        labels = new int[n][window * BATCH];
        int copies = perDomain() ? domains : 1;
        for (int p = 0; p < n; p++) {
            windows[p] = Nd4j.rand(DataType.FLOAT, (long) copies * window * BATCH, 784);
            for (int s = 0; s < window * BATCH; s++) {
                labels[p][s] = rnd.nextInt(10);
            }
        }
    }

    /** {@value #STEPS} SGD-with-momentum steps of 8 base images each. */
    @Benchmark
    @OperationsPerInvocation(STEPS * BATCH)
    public double train() {
        double sum = 0;
        boolean perDomain = perDomain();
        for (int p = 0; p < windows.length; p++) {
            if (window == 1) {
                sum += perDomain ? model.trainPerDomain(windows[p], labels[p]) : model.train(windows[p], labels[p]);
            } else {
                double[] losses = perDomain ? model.trainWindowPerDomain(windows[p], labels[p], window)
                        : model.trainWindow(windows[p], labels[p], window);
                for (double l : losses) {
                    sum += l;
                }
            }
        }
        return sum;
    }

    private boolean perDomain() {
        return switch (inputs) {
            case "folded" -> false;
            case "per-domain" -> true;
            default -> throw new IllegalArgumentException("inputs must be folded or per-domain, got " + inputs);
        };
    }
}
