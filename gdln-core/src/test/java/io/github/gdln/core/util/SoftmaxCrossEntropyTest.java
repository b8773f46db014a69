package io.github.gdln.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxCrossEntropy} against {@link LogSumExpReference} on logits spanning ±1e4 (every target, so also
 * targets 2e4 below the maximum, where exp underflows and a log of the probability is −∞), in double and on
 * float32-rounded logits (what a float32 model hands over). Tolerance: both sides round each of their n = 10
 * terms once or twice, so loss and gradient agree to a few ulps of the magnitudes that enter them:
 * 8 n ulp(|z_max| + |z_t| + 1) for the loss (about 3e-10 at 2e4, against a loss of up to 2e4) and 8 n ulp(span)
 * for each gradient entry (entries lie in [−1, 1]; exp turns an absolute error δ of z_q − lse into a relative one).
 */
class SoftmaxCrossEntropyTest {
    private static final int N = 10;
    private static final double SPAN = 1e4;

    @Test
    void lossAndGradientMatchTheReferenceOnLogitsSpanningPlusMinus1e4() {
        for (boolean float32 : new boolean[] {false, true}) {
            for (double[] row : LogSumExpReference.wideRows(200, N, SPAN, float32 ? 2 : 1)) {
                if (float32) {
                    for (int q = 0; q < N; q++) {
                        row[q] = (float) row[q];
                    }
                }
                double max = row[SoftmaxCrossEntropy.argMax(row, 0, N)];
                for (int t = 0; t < N; t++) {
                    double expected = LogSumExpReference.loss(row, t);
                    double tol = 8 * N * Math.ulp(Math.abs(max) + Math.abs(row[t]) + 1);
                    assertThat(SoftmaxCrossEntropy.loss(row, 0, N, t)).isFinite().isCloseTo(expected, within(tol));
                    double[] z = new double[N + 3];
                    System.arraycopy(row, 0, z, 2, N); // an offset, as the fused loops use it
                    double loss = SoftmaxCrossEntropy.lossAndGradientInPlace(z, 2, N, t);
                    assertThat(loss).isFinite().isCloseTo(expected, within(tol));
                    double[] g = LogSumExpReference.gradient(row, t);
                    for (int q = 0; q < N; q++) {
                        assertThat(z[2 + q]).as("gradient %d, target %d", q, t)
                                .isCloseTo(g[q], within(8 * N * Math.ulp(SPAN)));
                    }
                }
            }
        }
    }

    @Test
    void softTargetFormEqualsTheOneHotFormAndTheReference() {
        for (double[] row : LogSumExpReference.wideRows(50, N, SPAN, 3)) {
            for (int t = 0; t < N; t++) {
                double[] y = new double[N];
                y[t] = 1;
                double[] z = row.clone();
                double loss = SoftmaxCrossEntropy.lossAndGradientInPlace(z, 0, N, y, 0);
                double max = row[SoftmaxCrossEntropy.argMax(row, 0, N)];
                assertThat(loss).isCloseTo(LogSumExpReference.loss(row, t),
                        within(8 * N * Math.ulp(Math.abs(max) + Math.abs(row[t]) + 1)));
                double[] g = LogSumExpReference.gradient(row, t);
                for (int q = 0; q < N; q++) {
                    assertThat(z[q]).isCloseTo(g[q], within(8 * N * Math.ulp(SPAN)));
                }
            }
        }
        // a distribution target: loss Σ y_q (lse − z_q), gradient softmax − y
        double[] row = {3000, -2000, 10, 2999};
        double[] y = {0.25, 0.25, 0, 0.5};
        double lse = LogSumExpReference.logSumExp(row);
        double expected = 0.25 * (lse - 3000) + 0.25 * (lse + 2000) + 0.5 * (lse - 2999);
        double[] z = row.clone();
        assertThat(SoftmaxCrossEntropy.lossAndGradientInPlace(z, 0, 4, y, 0)).isCloseTo(expected, within(1e-9));
        for (int q = 0; q < 4; q++) {
            assertThat(z[q]).isCloseTo(Math.exp(row[q] - lse) - y[q], within(1e-12));
        }
    }

    @Test
    void closedFormsAtTheExtremes() {
        // target 2e4 below the maximum: the loss is exactly 2e4 in double (the other terms are below its ulp)
        double[] z = {1e4, -1e4, 0};
        assertThat(SoftmaxCrossEntropy.loss(z, 0, 3, 1)).isEqualTo(2e4);
        assertThat(SoftmaxCrossEntropy.lossAndGradientInPlace(z.clone(), 0, 3, 1)).isEqualTo(2e4);
        // a tiny loss keeps its relative accuracy (log1p, no 1 + r rounding): log(1 + e^-50) = e^-50 (1 - e^-50 / 2)
        double[] sure = {0, -50};
        double tiny = Math.exp(-50);
        assertThat(SoftmaxCrossEntropy.loss(sure, 0, 2, 0)).isCloseTo(tiny, within(1e-15 * tiny));
        double[] g = sure.clone();
        SoftmaxCrossEntropy.lossAndGradientInPlace(g, 0, 2, 0);
        // d/dz_0 = p_0 − 1 = −e^-50 / (1 + e^-50), not 0 from the cancellation 1 − 1
        assertThat(g[0]).isCloseTo(-tiny / (1 + tiny), within(1e-15 * tiny));
        assertThat(g[1]).isCloseTo(tiny / (1 + tiny), within(1e-15 * tiny));
    }

    @Test
    void nonFiniteLogitsGiveANonFiniteLoss() {
        assertThat(SoftmaxCrossEntropy.loss(new double[] {1, Double.NaN, 2}, 0, 3, 0)).isNaN();
        assertThat(Double.isFinite(SoftmaxCrossEntropy.lossAndGradientInPlace(
                new double[] {1, Double.POSITIVE_INFINITY}, 0, 2, 0))).isFalse();
        assertThat(SoftmaxCrossEntropy.lossAndGradientInPlace(new double[] {1, Double.POSITIVE_INFINITY}, 0, 2, 1))
                .isNaN();
        assertThat(SoftmaxCrossEntropy.lossAndGradientInPlace(new double[] {Double.NaN, 1}, 0, 2, 1)).isNaN();
    }
}
