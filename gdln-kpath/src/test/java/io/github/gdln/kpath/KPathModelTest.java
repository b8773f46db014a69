package io.github.gdln.kpath;

import io.github.gdln.core.util.Shuffle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KPathModelTest {
    private static final int M = 4;
    private static final int D = 12;
    private static final int H = 6;
    private static final int C = 5;
    private static final int B = 3;

    static KPathConfig tiny(double lr, double mu) {
        return new KPathConfig(M, D, H, C, B, DataType.DOUBLE, 1.0, lr, mu, 42L);
    }

    /** K ones per row at (i + k) mod M, then the columns permuted. */
    static boolean[][] kPlusMod(int m, int k, long seed) {
        int[] perm = permutation(m, new Random(seed));
        boolean[][] g = new boolean[m][m];
        for (int i = 0; i < m; i++) {
            for (int q = 0; q < k; q++) {
                g[i][perm[(i + q) % m]] = true;
            }
        }
        return g;
    }

    /** Irregular gate: rows and columns with different counts, one untrained row. */
    static boolean[][] irregular() {
        return new boolean[][] {
            {true, true, true, false},
            {false, false, false, false},
            {true, false, false, true},
            {true, false, false, false}};
    }

    /** A uniform permutation of 0..n-1 (gdln's one shuffle) seeded from {@code rnd}. */
    static int[] permutation(int n, Random rnd) {
        return Shuffle.permutation(n, new SplittableRandom(rnd.nextLong()));
    }

    static int[][] labelMaps(int m, int c, long seed) {
        Random rnd = new Random(seed);
        int[][] maps = new int[m][];
        for (int j = 0; j < m; j++) {
            maps[j] = permutation(c, rnd);
        }
        return maps;
    }

    static double[][] randomImages(int n, int d, Random rnd) {
        double[][] x = new double[n][d];
        for (double[] r : x) {
            for (int k = 0; k < d; k++) {
                r[k] = rnd.nextDouble();
            }
        }
        return x;
    }

    static int[] randomLabels(int n, int c, Random rnd) {
        int[] l = new int[n];
        for (int s = 0; s < n; s++) {
            l[s] = rnd.nextInt(c);
        }
        return l;
    }

    /** xs[i][s] = the image s permuted by perms[i]: xs[i][s][k] = x[s][perms[i][k]]. */
    static double[][][] permuted(double[][] x, int[][] perms) {
        double[][][] xs = new double[perms.length][x.length][];
        for (int i = 0; i < perms.length; i++) {
            for (int s = 0; s < x.length; s++) {
                double[] r = new double[x[s].length];
                for (int k = 0; k < r.length; k++) {
                    r[k] = x[s][perms[i][k]];
                }
                xs[i][s] = r;
            }
        }
        return xs;
    }

    static INDArray stack(double[][][] xs) {
        int m = xs.length;
        int b = xs[0].length;
        double[][] rows = new double[m * b][];
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < b; s++) {
                rows[i * b + s] = xs[i][s];
            }
        }
        return Nd4j.createFromArray(rows);
    }

    static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    static double relErr(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            num += (a[k] - b[k]) * (a[k] - b[k]);
            den += b[k] * b[k];
        }
        return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
    }

    static double[][][] identityDomains(double[][] x, int m) {
        double[][][] xs = new double[m][][];
        for (int i = 0; i < m; i++) {
            xs[i] = x;
        }
        return xs;
    }

    private void assertFusedMatchesNaive(boolean[][] gate, boolean perDomain) {
        double mu = 0.7;
        int[][] maps = labelMaps(M, C, 3);
        KPathModel model = new KPathModel(tiny(0.3, mu), gate, maps);
        Random rnd = new Random(5);
        NaiveKPath accumulated = null;
        for (int step = 0; step < 3; step++) {
            double[][] x = randomImages(B, D, rnd);
            int[] labels = randomLabels(B, C, rnd);
            double[][][] xs = perDomain ? new double[M][][] : identityDomains(x, M);
            if (perDomain) {
                for (int i = 0; i < M; i++) {
                    xs[i] = randomImages(B, D, rnd);
                }
            }
            NaiveKPath ref = NaiveKPath.copyOf(model);
            NaiveKPath grad = new NaiveKPath(M, D, H, C);
            double expectedLoss = ref.lossAndGradient(xs, labels, gate, maps, grad);
            double loss = perDomain ? model.trainPerDomain(stack(xs), labels)
                    : model.train(Nd4j.createFromArray(x), labels);
            assertThat(loss).isCloseTo(expectedLoss, org.assertj.core.data.Percentage.withPercentage(1e-8));
            // expected momentum: v_t = mu v_{t-1} + g_t
            for (int blk = 0; blk < 6; blk++) {
                double[] g = grad.block(blk);
                if (accumulated != null) {
                    double[] prev = accumulated.block(blk);
                    for (int k = 0; k < g.length; k++) {
                        g[k] += mu * prev[k];
                    }
                }
                double[] fused = KPathModelTest.flat(model.momentumBlock(blk));
                assertThat(relErr(fused, g)).as("block %d step %d", blk, step).isLessThan(1e-10);
            }
            accumulated = momentaAsNaive(model);
        }
    }

    private static NaiveKPath momentaAsNaive(KPathModel model) {
        NaiveKPath n = new NaiveKPath(M, D, H, C);
        double[] e = KPathModelTest.flat(model.momentumBlock(0));
        double[] w = KPathModelTest.flat(model.momentumBlock(1));
        double[] f = KPathModelTest.flat(model.momentumBlock(2));
        double[] be = KPathModelTest.flat(model.momentumBlock(3));
        double[] cb = KPathModelTest.flat(model.momentumBlock(4));
        double[] db = KPathModelTest.flat(model.momentumBlock(5));
        for (int i = 0; i < M; i++) {
            for (int a = 0; a < H; a++) {
                System.arraycopy(e, (i * H + a) * D, n.e[i][a], 0, D);
                n.be[i][a] = be[i * H + a];
            }
            for (int q = 0; q < C; q++) {
                System.arraycopy(f, (i * C + q) * H, n.f[i][q], 0, H);
                n.db[i][q] = db[i * C + q];
            }
        }
        for (int a = 0; a < H; a++) {
            System.arraycopy(w, a * H, n.w[a], 0, H);
        }
        n.cb = cb;
        return n;
    }

    @Test
    void fusedGradientMatchesNaiveReferenceFolded() {
        assertFusedMatchesNaive(kPlusMod(M, 2, 1), false);
    }

    @Test
    void fusedGradientMatchesNaiveReferenceIrregularGate() {
        assertFusedMatchesNaive(irregular(), false);
    }

    @Test
    void fusedGradientMatchesNaiveReferencePerDomain() {
        assertFusedMatchesNaive(kPlusMod(M, 3, 2), true);
        assertFusedMatchesNaive(irregular(), true);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        boolean[][] gate = kPlusMod(M, 2, 7);
        Random rnd = new Random(11);
        double[][] x = randomImages(B, D, rnd);
        int[] labels = randomLabels(B, C, rnd);
        INDArray xa = Nd4j.createFromArray(x);
        KPathModel probe = new KPathModel(tiny(0.0, 0.0), gate, labelMaps(M, C, 3));
        probe.train(xa, labels); // lr 0, mu 0: momenta = gradient, parameters unchanged
        INDArray flat = probe.parameters();
        INDArray grad = probe.momenta();
        double eps = 1e-6;
        int checked = 0;
        for (long k = 0; k < flat.length(); k += 7) {
            double g = grad.getDouble(k);
            double p0 = flat.getDouble(k);
            flat.putScalar(k, p0 + eps);
            double lp = probe.loss(xa, labels);
            flat.putScalar(k, p0 - eps);
            double lm = probe.loss(xa, labels);
            flat.putScalar(k, p0);
            double fd = (lp - lm) / (2 * eps);
            assertThat(Math.abs(fd - g)).as("parameter %d", k).isLessThan(1e-8 * Math.max(1.0, Math.abs(g)) + 1e-9);
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void foldedPermutationEqualsExplicitPermutedInputs() {
        boolean[][] gate = kPlusMod(M, 2, 9);
        int[][] maps = labelMaps(M, C, 4);
        Random rnd = new Random(21);
        int[][] perms = new int[M][];
        for (int i = 0; i < M; i++) {
            perms[i] = permutation(D, rnd);
        }
        KPathModel folded = new KPathModel(tiny(0.2, 0.9), gate, maps);
        KPathModel explicit = new KPathModel(tiny(0.2, 0.9), gate, maps);
        for (int i = 0; i < M; i++) {
            explicit.encoder(i).assign(folded.encoderInDomainFrame(i, perms[i]));
        }
        for (int step = 0; step < 6; step++) {
            double[][] x = randomImages(B, D, rnd);
            int[] labels = randomLabels(B, C, rnd);
            double lf = folded.train(Nd4j.createFromArray(x), labels);
            double le = explicit.trainPerDomain(stack(permuted(x, perms)), labels);
            assertThat(le).isCloseTo(lf, org.assertj.core.data.Offset.offset(1e-12 * Math.abs(lf)));
        }
        for (int i = 0; i < M; i++) {
            double[] a = KPathModelTest.flat(folded.encoderInDomainFrame(i, perms[i]));
            double[] b = KPathModelTest.flat(explicit.encoder(i).dup());
            assertThat(relErr(b, a)).isLessThan(1e-12);
        }
        // and the inverse mapping restores the folded encoder
        INDArray before = folded.encoder(1).dup();
        folded.setEncoderFromDomainFrame(1, folded.encoderInDomainFrame(1, perms[1]), perms[1]);
        assertThat(folded.encoder(1).equalsWithEps(before, 0.0)).isTrue();
    }

    @Test
    void evaluateMatchesNaivePerPairLoss() {
        boolean[][] gate = kPlusMod(M, 2, 1);
        int[][] maps = labelMaps(M, C, 3);
        KPathModel model = new KPathModel(tiny(0.1, 0.9), gate, maps);
        Random rnd = new Random(8);
        double[][] x = randomImages(7, D, rnd);
        int[] labels = randomLabels(7, C, rnd);
        PairStats st = model.evaluate(Nd4j.createFromArray(x), labels);
        assertThat(st.samples()).isEqualTo(7);
        NaiveKPath ref = NaiveKPath.copyOf(model);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < M; j++) {
                boolean[][] one = new boolean[M][M];
                one[i][j] = true;
                double expected = ref.lossAndGradient(identityDomains(x, M), labels, one, maps, null);
                assertThat(st.meanLoss(i, j).getAsDouble()).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void lossDecreasesOnSeparableTask() {
        int m = 3;
        int d = 20;
        int c = 4;
        KPathConfig cfg = new KPathConfig(m, d, 16, c, 8, DataType.DOUBLE, 1.0, 0.05, 0.9, 1L);
        boolean[][] gate = kPlusMod(m, 2, 3);
        KPathModel model = new KPathModel(cfg, gate, labelMaps(m, c, 5));
        Random rnd = new Random(2);
        double[][] means = randomImages(c, d, rnd);
        double first = Double.NaN;
        double last = 0;
        for (int step = 0; step < 300; step++) {
            double[][] x = new double[8][d];
            int[] labels = randomLabels(8, c, rnd);
            for (int s = 0; s < 8; s++) {
                for (int k = 0; k < d; k++) {
                    x[s][k] = 3 * means[labels[s]][k] + 0.1 * rnd.nextGaussian();
                }
            }
            double l = model.train(Nd4j.createFromArray(x), labels);
            if (step == 0) {
                first = l;
            }
            last = l;
        }
        assertThat(last).isLessThan(first / 10);
        double[][] xt = new double[64][d];
        int[] lt = randomLabels(64, c, rnd);
        for (int s = 0; s < 64; s++) {
            for (int k = 0; k < d; k++) {
                xt[s][k] = 3 * means[lt[s]][k] + 0.1 * rnd.nextGaussian();
            }
        }
        Metrics metrics = model.evaluate(Nd4j.createFromArray(xt), lt).metrics(gate);
        assertThat(metrics.trainedAccuracy().getAsDouble()).isGreaterThan(0.95);
        assertThat(metrics.untrainedAccuracy()).isPresent();
    }

    @Test
    void metricsWithKEqualMHaveNoUntrainedGroup() {
        boolean[][] all = kPlusMod(M, M, 1);
        KPathModel model = new KPathModel(tiny(0.1, 0.9), all, labelMaps(M, C, 3));
        Random rnd = new Random(3);
        PairStats st = model.evaluate(Nd4j.createFromArray(randomImages(5, D, rnd)), randomLabels(5, C, rnd));
        Metrics metrics = st.metrics(all);
        assertThat(metrics.trainedAccuracy()).isPresent();
        assertThat(metrics.trainedLoss()).isPresent();
        assertThat(metrics.untrainedAccuracy()).isEmpty();
        assertThat(metrics.untrainedLoss()).isEmpty();
        assertThat(new PairStats(M).metrics(all).trainedAccuracy()).isEmpty();
    }

    /**
     * Logits spanning about ±1e4 (gain 10 and inputs up to 10 on this tiny model; gain 10 on 784 MNIST pixels gives
     * logits in the thousands): the fused step's loss and gradient, float64 and float32, against {@link NaiveKPath}
     * (its own log-sum-exp in double, on the same parameters and inputs). The mean loss, i.e. the mean distance of
     * the target logit below log Σ exp, is asserted above 745 (measured 6627), so targets lie more than 745 below
     * their row's maximum, where exp underflows to 0 and the former {@code log(sum) - log(p_t)} was infinite.
     * Tolerances: float64 as the fused-vs-naive check (1e-8 % loss, 1e-10 gradient); float32 rounds every product
     * of the forward and backward pass to 6e-8 relative, accumulated over at most D = 12 terms per dot product:
     * 1e-6 relative for the loss and 1e-5 for each gradient block (measured 5e-9 and below 9e-8).
     */
    @Test
    void hugeLogitsGiveTheStableLossAndGradientInFloat64AndFloat32() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            boolean[][] gate = kPlusMod(M, 2, 1);
            int[][] maps = labelMaps(M, C, 3);
            KPathConfig cfg = new KPathConfig(M, D, H, C, B, type, 10.0, 0.0, 0.0, 42L);
            KPathModel model = new KPathModel(cfg, gate, maps);
            Random rnd = new Random(5);
            double[][] x = randomImages(B, D, rnd);
            for (double[] r : x) {
                for (int k = 0; k < D; k++) {
                    r[k] = (float) (10 * r[k]);
                }
            }
            int[] labels = randomLabels(B, C, rnd);
            NaiveKPath ref = NaiveKPath.copyOf(model);
            NaiveKPath grad = new NaiveKPath(M, D, H, C);
            double expected = ref.lossAndGradient(identityDomains(x, M), labels, gate, maps, grad);
            assertThat(expected).as("mean loss (some target > 745 below the maximum)").isGreaterThan(745);
            double loss = model.train(Nd4j.createFromArray(x).castTo(type), labels); // lr 0, mu 0: momenta = gradient
            boolean dbl = type == DataType.DOUBLE;
            assertThat(loss).as("%s loss", type).isFinite()
                    .isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(dbl ? 1e-8 : 1e-4));
            for (int blk = 0; blk < 6; blk++) {
                double err = relErr(flat(model.momentumBlock(blk)), grad.block(blk));
                assertThat(err).as("%s gradient block %d", type, blk).isLessThan(dbl ? 1e-10 : 1e-5);
            }
        }
    }

    @Test
    void floatModelTrains() {
        KPathConfig cfg = tiny(0.1, 0.9).withDataType(DataType.FLOAT);
        KPathModel model = new KPathModel(cfg, kPlusMod(M, 2, 1), labelMaps(M, C, 3));
        Random rnd = new Random(3);
        INDArray x = Nd4j.createFromArray(randomImages(B, D, rnd)).castTo(DataType.FLOAT);
        double loss = model.train(x, randomLabels(B, C, rnd));
        assertThat(loss).isFinite().isPositive();
        assertThat(model.parameters().dataType()).isEqualTo(DataType.FLOAT);
    }

    /**
     * The thread count must not change any number: the blocks of a step are fixed, threads only decide who runs them
     * (a race on shared scratch, or a block structure that followed the thread count, would show here). Compared bit
     * for bit, float and double, folded and per-domain paths, H a multiple of 16 and not, 1, 2 and 3 threads.
     */
    @Test
    void threadCountDoesNotChangeAnyNumber() {
        int m = 5;
        int c = 5;
        int b = 4;
        for (int[] dh : new int[][] {{50, 64}, {23, 37}}) {
        int d = dh[0];
        int h = dh[1];
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean perDomain : new boolean[] {false, true}) {
                KPathConfig cfg = new KPathConfig(m, d, h, c, b, type, 1.0, 0.05, 0.9, 7L);
                boolean[][] gate = kPlusMod(m, 2, 1);
                int[][] maps = labelMaps(m, c, 3);
                KPathModel[] models = {new KPathModel(cfg, gate, maps, 1), new KPathModel(cfg, gate, maps, 2),
                    new KPathModel(cfg, gate, maps, 3)};
                Random rnd = new Random(13);
                for (int step = 0; step < 4; step++) {
                    INDArray x = Nd4j.createFromArray(randomImages(perDomain ? m * b : b, d, rnd)).castTo(type);
                    int[] labels = randomLabels(b, c, rnd);
                    double[] losses = new double[models.length];
                    for (int k = 0; k < models.length; k++) {
                        losses[k] = perDomain ? models[k].trainPerDomain(x, labels) : models[k].train(x, labels);
                    }
                    for (int k = 1; k < models.length; k++) {
                        String what = type + (perDomain ? " per-domain" : " folded") + " threads " + models[k].threads()
                                + " step " + step;
                        assertThat(losses[k]).as(what).isEqualTo(losses[0]);
                        assertThat(models[k].parameters().toDoubleVector()).as(what)
                                .isEqualTo(models[0].parameters().toDoubleVector());
                        assertThat(models[k].momenta().toDoubleVector()).as(what)
                                .isEqualTo(models[0].momenta().toDoubleVector());
                    }
                }
                assertThat(models[1].threads()).isEqualTo(2);
            }
        }
        }
    }

    @Test
    void splitBlocksAreAlignedAndCoverTheRange() {
        assertThat(BlockPool.split(40, BlockPool.BLOCKS, 1)).containsExactly(0, 20, 40);
        assertThat(BlockPool.split(5120, 2, 64)).containsExactly(0, 2560, 5120);
        assertThat(BlockPool.split(320, 3, 64)).containsExactly(0, 128, 192, 320);
        assertThat(BlockPool.split(100, 2, 64)).containsExactly(0, 100);
        assertThat(BlockPool.split(24, 2, 64)).containsExactly(0, 24);
        assertThat(BlockPool.split(7, 4, 1)).containsExactly(0, 1, 3, 5, 7);
        int[] flat = BlockPool.split(4_087_313, 2, 64);
        assertThat(flat).hasSize(3);
        assertThat(flat[1] % 64).isZero();
        assertThat(KPathModel.defaultThreads()).isBetween(1, 2);
        assertThatThrownBy(() -> new KPathModel(tiny(0.1, 0.9), kPlusMod(M, 2, 1), labelMaps(M, C, 3), 0))
                .hasMessageContaining("threads").hasMessageContaining("0");
    }

    @Test
    void invalidArgumentsAreNamed() {
        assertThatThrownBy(() -> new KPathConfig(0, D, H, C, B, DataType.DOUBLE, 1, 0.1, 0.9, 1))
                .hasMessageContaining("domains").hasMessageContaining("0");
        assertThatThrownBy(() -> new KPathConfig(M, D, H, C, B, DataType.DOUBLE, 1, 0.1, 1.5, 1))
                .hasMessageContaining("momentum").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new KPathModel(tiny(0.1, 0.9), new boolean[M][M], labelMaps(M, C, 1)))
                .hasMessageContaining("no trained pathway");
        assertThatThrownBy(() -> new KPathModel(tiny(0.1, 0.9), new boolean[2][2], labelMaps(M, C, 1)))
                .hasMessageContaining("gate");
        KPathModel model = new KPathModel(tiny(0.1, 0.9), kPlusMod(M, 2, 1), labelMaps(M, C, 3));
        INDArray x = Nd4j.createFromArray(randomImages(B, D, new Random(1)));
        assertThatThrownBy(() -> model.train(x, new int[] {0, 1, 9}))
                .hasMessageContaining("labels[2]").hasMessageContaining("9");
        assertThatThrownBy(() -> model.train(x.castTo(DataType.FLOAT), new int[] {0, 1, 2}))
                .hasMessageContaining("data type");
    }
}
