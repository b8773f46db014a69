package io.github.gdln.kpath;

import static io.github.gdln.kpath.KPathModelTest.kPlusMod;
import static io.github.gdln.kpath.KPathModelTest.labelMaps;
import static io.github.gdln.kpath.KPathModelTest.randomImages;
import static io.github.gdln.kpath.KPathModelTest.randomLabels;
import static io.github.gdln.kpath.KPathModelTest.relErr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The deferred encoder update ({@link KPathModel#trainWindow}) against the plain step ({@link KPathModel#train}). */
class DeferredEncoderWindowTest {
    private static final int M = 5;
    private static final int D = 20;
    private static final int H = 9;
    private static final int C = 5;
    private static final int B = 3;

    /** The window's steps one by one with the plain step; returns their losses. */
    private static double[] trainPlain(KPathModel model, INDArray xs, int[] labels, int steps) {
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            INDArray x = xs.get(NDArrayIndex.interval(s * B, (s + 1) * B), NDArrayIndex.all()).dup();
            losses[s] = model.train(x, java.util.Arrays.copyOfRange(labels, s * B, (s + 1) * B));
        }
        return losses;
    }

    /**
     * The window's steps one by one with the plain per-domain step: step s takes rows i*steps*B + s*B .. of every
     * domain i of {@code xd}; returns their losses.
     */
    private static double[] trainPlainPerDomain(KPathModel model, INDArray xd, int[] labels, int steps) {
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            INDArray x = Nd4j.create(xd.dataType(), (long) M * B, D);
            for (int i = 0; i < M; i++) {
                long from = (long) i * steps * B + (long) s * B;
                x.get(NDArrayIndex.interval(i * B, (i + 1) * B), NDArrayIndex.all())
                        .assign(xd.get(NDArrayIndex.interval(from, from + B), NDArrayIndex.all()));
            }
            losses[s] = model.trainPerDomain(x, java.util.Arrays.copyOfRange(labels, s * B, (s + 1) * B));
        }
        return losses;
    }

    private static KPathConfig config(DataType type, double lr, double mu) {
        return new KPathConfig(M, D, H, C, B, type, 1.0, lr, mu, 11L);
    }

    /**
     * Float64, 1,000 steps in windows of 7 (the last one 6 steps long): every parameter and momentum equals the plain
     * step's to 1e-10 relative (the deferred sums are the plain ones reordered; double rounding of ~1e-16 per
     * operation, grown by the training dynamics, stays many orders below), and every step's loss too. The learning
     * rate is large enough that the parameters move far (checked: > 10 % relative change), so a wrong coefficient
     * or a dropped pending term would show.
     */
    @Test
    void float64WindowsEqualThePlainStepAfter1000Steps() {
        assertWindowsFollowThePlainSteps(false, 5);
    }

    /** The same with per-domain inputs (each domain its own batch, as rotations give) against the per-domain step. */
    @Test
    void perDomainFloat64WindowsEqualThePlainPerDomainStepAfter1000Steps() {
        assertWindowsFollowThePlainSteps(true, 8);
    }

    private static void assertWindowsFollowThePlainSteps(boolean perDomain, long seed) {
        boolean[][] gate = kPlusMod(M, 2, 1);
        int[][] maps = labelMaps(M, C, 3);
        KPathModel plain = new KPathModel(config(DataType.DOUBLE, 0.02, 0.9), gate, maps);
        KPathModel deferred = new KPathModel(config(DataType.DOUBLE, 0.02, 0.9), gate, maps);
        double[] start = plain.parameters().toDoubleVector();
        Random rnd = new Random(seed);
        int steps = 1000;
        int window = 7;
        double worstLoss = 0;
        for (int s0 = 0; s0 < steps; s0 += window) {
            int n = Math.min(window, steps - s0);
            INDArray xs = Nd4j.createFromArray(randomImages((perDomain ? M : 1) * n * B, D, rnd));
            int[] labels = randomLabels(n * B, C, rnd);
            double[] losses = perDomain ? deferred.trainWindowPerDomain(xs, labels, n)
                    : deferred.trainWindow(xs, labels, n);
            double[] expected = perDomain ? trainPlainPerDomain(plain, xs, labels, n)
                    : trainPlain(plain, xs, labels, n);
            for (int s = 0; s < n; s++) {
                worstLoss = Math.max(worstLoss, Math.abs(losses[s] - expected[s]) / Math.abs(expected[s]));
            }
        }
        double[] p = plain.parameters().toDoubleVector();
        assertThat(relErr(start, p)).as("parameters moved").isGreaterThan(0.1);
        assertThat(relErr(deferred.parameters().toDoubleVector(), p)).isLessThan(1e-10);
        assertThat(relErr(deferred.momenta().toDoubleVector(), plain.momenta().toDoubleVector())).isLessThan(1e-10);
        assertThat(worstLoss).isLessThan(1e-10);
    }

    /** Momentum 0 (plain SGD) and a window of one step are edge cases of the coefficients. */
    @Test
    void edgeCasesOfTheCoefficients() {
        for (double mu : new double[] {0.0, 0.5}) {
            for (int window : new int[] {1, 4}) {
                boolean[][] gate = kPlusMod(M, 3, 2);
                int[][] maps = labelMaps(M, C, 4);
                KPathModel plain = new KPathModel(config(DataType.DOUBLE, 0.05, mu), gate, maps);
                KPathModel deferred = new KPathModel(config(DataType.DOUBLE, 0.05, mu), gate, maps);
                Random rnd = new Random(9);
                for (int rep = 0; rep < 5; rep++) {
                    INDArray xs = Nd4j.createFromArray(randomImages(window * B, D, rnd));
                    int[] labels = randomLabels(window * B, C, rnd);
                    deferred.trainWindow(xs, labels, window);
                    trainPlain(plain, xs, labels, window);
                }
                String what = "mu " + mu + " window " + window;
                assertThat(relErr(deferred.parameters().toDoubleVector(), plain.parameters().toDoubleVector()))
                        .as(what).isLessThan(1e-12);
                assertThat(relErr(deferred.momenta().toDoubleVector(), plain.momenta().toDoubleVector()))
                        .as(what).isLessThan(1e-12);
            }
        }
    }

    /** Float32: the same iterates up to float32 rounding (50 steps, 1e-4 relative). */
    @Test
    void float32AgreesToFloatRounding() {
        boolean[][] gate = kPlusMod(M, 2, 1);
        int[][] maps = labelMaps(M, C, 3);
        KPathModel plain = new KPathModel(config(DataType.FLOAT, 0.02, 0.9), gate, maps);
        KPathModel deferred = new KPathModel(config(DataType.FLOAT, 0.02, 0.9), gate, maps);
        Random rnd = new Random(6);
        for (int rep = 0; rep < 10; rep++) {
            INDArray xs = Nd4j.createFromArray(randomImages(5 * B, D, rnd)).castTo(DataType.FLOAT);
            int[] labels = randomLabels(5 * B, C, rnd);
            deferred.trainWindow(xs, labels, 5);
            trainPlain(plain, xs, labels, 5);
        }
        assertThat(relErr(deferred.parameters().toDoubleVector(), plain.parameters().toDoubleVector()))
                .isLessThan(1e-4);
    }

    /**
     * Bit-for-bit the same numbers on 1, 2 and 3 threads (the window's per-block work follows the fixed blocks), for
     * folded and per-domain windows.
     */
    @Test
    void threadCountDoesNotChangeAnyNumber() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            boolean[][] gate = kPlusMod(M, 2, 1);
            int[][] maps = labelMaps(M, C, 3);
            KPathModel[] models = new KPathModel[3];
            for (int k = 0; k < 3; k++) {
                models[k] = new KPathModel(config(type, 0.05, 0.9), gate, maps, k + 1);
            }
            Random rnd = new Random(13);
            for (int rep = 0; rep < 4; rep++) {
                INDArray xs = Nd4j.createFromArray(randomImages(6 * B, D, rnd)).castTo(type);
                int[] labels = randomLabels(6 * B, C, rnd);
                INDArray xd = Nd4j.createFromArray(randomImages(M * 6 * B, D, rnd)).castTo(type);
                double[][] losses = new double[3][];
                for (int k = 0; k < 3; k++) {
                    losses[k] = rep < 2 ? models[k].trainWindow(xs, labels, rep % 2 == 0 ? 6 : 3)
                            : models[k].trainWindowPerDomain(xd, labels, rep % 2 == 0 ? 6 : 3);
                }
                for (int k = 1; k < 3; k++) {
                    assertThat(losses[k]).isEqualTo(losses[0]);
                    assertThat(models[k].parameters().toDoubleVector())
                            .isEqualTo(models[0].parameters().toDoubleVector());
                    assertThat(models[k].momenta().toDoubleVector()).isEqualTo(models[0].momenta().toDoubleVector());
                }
            }
        }
    }

    @Test
    void badWindowIsNamed() {
        KPathModel model = new KPathModel(config(DataType.DOUBLE, 0.05, 0.9), kPlusMod(M, 2, 1), labelMaps(M, C, 3));
        INDArray xs = Nd4j.createFromArray(randomImages(7, D, new Random(1)));
        assertThatThrownBy(() -> model.trainWindow(xs, new int[7], 2)).hasMessageContaining("steps must be >= 1 and divide");
    }
}
