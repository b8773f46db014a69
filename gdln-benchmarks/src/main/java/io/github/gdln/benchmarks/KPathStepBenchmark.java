package io.github.gdln.benchmarks;

import io.github.gdln.core.util.Shuffle;
import io.github.gdln.kpath.KPathConfig;
import io.github.gdln.kpath.KPathModel;
import java.util.Random;
import java.util.SplittableRandom;
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
 * Training step of the k-path routing network ({@link KPathModel#train}) at the paper's MNIST size: D = 784, C = 10,
 * H = 128, K = 10, batch 8, float32, permutation input domains folded into the encoders, gate K_plus_mod with permuted
 * columns. The score is images per second, counted as the PyTorch peer {@code peer_kpath.py} counts them: base images
 * per step (the batch, 8) times steps per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class KPathStepBenchmark {
    /** Batch size per step (the paper's batch per task). */
    public static final int BATCH = 8;
    private static final int POOL = 32;

    /** Number of input (and output) domains M. */
    @Param({"40", "100"})
    public int domains;

    /** Trained output domains per input domain K. */
    @Param({"10"})
    public int k;

    /** Hidden width H. */
    @Param({"128"})
    public int hidden;

    private KPathModel model;
    private INDArray[] batches;
    private int[][] labels;
    private int next;

    /** Builds the model and a pool of random batches (inputs in [0, 1) like ToTensor images). */
    @Setup
    public void setUp() {
        KPathConfig cfg = new KPathConfig(domains, 784, hidden, 10, BATCH, DataType.FLOAT, 1.0, 1e-4, 0.9, 1L);
        Random rnd = new Random(1);
        model = new KPathModel(cfg, kPlusModPermuted(domains, k, rnd), labelMaps(domains, 10, rnd));
        batches = new INDArray[POOL];
        labels = new int[POOL][BATCH];
        for (int p = 0; p < POOL; p++) {
            batches[p] = Nd4j.rand(DataType.FLOAT, BATCH, 784);
            for (int s = 0; s < BATCH; s++) {
                labels[p][s] = rnd.nextInt(10);
            }
        }
    }

    /** One SGD-with-momentum step on 8 base images (all M*K trained pathways). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double trainStep() {
        int p = next;
        next = (p + 1) % POOL;
        return model.train(batches[p], labels[p]);
    }

    /** Gate K_plus_mod with permuted columns (every row and column has K trained pathways). */
    static boolean[][] kPlusModPermuted(int m, int k, Random rnd) {
        int[] perm = permutation(m, rnd);
        boolean[][] g = new boolean[m][m];
        for (int i = 0; i < m; i++) {
            for (int q = 0; q < k; q++) {
                g[i][perm[(i + q) % m]] = true;
            }
        }
        return g;
    }

    static int[][] labelMaps(int m, int c, Random rnd) {
        int[][] maps = new int[m][];
        for (int j = 0; j < m; j++) {
            maps[j] = permutation(c, rnd);
        }
        return maps;
    }

    /** A uniform permutation of 0..n-1 (gdln's one shuffle) seeded from {@code rnd}. */
    static int[] permutation(int n, Random rnd) {
        return Shuffle.permutation(n, new SplittableRandom(rnd.nextLong()));
    }
}
