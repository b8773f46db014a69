package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RotationTest {

    private static float[] randomImage(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) r.nextDouble();
        }
        return x;
    }

    @Test
    void zeroDegreesIsTheIdentity() {
        float[] x = randomImage(3 * 5 * 7, 1);

        assertThat(Rotation.of(0, 5, 7, 3).apply(x)).containsExactly(x);
        assertThat(Rotation.forDomain(0, 40, 5, 7, 3).apply(x)).containsExactly(x);
    }

    @Test
    void ninetyDegreesIsACounterClockwiseIndexRotation() {
        for (int n : new int[] {4, 5}) {
            int channels = 2;
            float[] x = randomImage(channels * n * n, n);
            for (Rotation.Interpolation mode : Rotation.Interpolation.values()) {
                float[] y = Rotation.of(90, n, n, channels, mode).apply(x);
                for (int c = 0; c < channels; c++) {
                    for (int r = 0; r < n; r++) {
                        for (int col = 0; col < n; col++) {
                            assertThat(y[(c * n + r) * n + col]).isEqualTo(x[(c * n + col) * n + (n - 1 - r)]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void positiveAngleTurnsTheRightEdgeToTheTop() {
        int n = 5;
        float[] x = new float[n * n];
        x[2 * n + 4] = 1f; // middle of the right edge

        float[] y = Rotation.of(90, n, n, 1).apply(x);

        assertThat(y[0 * n + 2]).isEqualTo(1f); // middle of the top edge
    }

    @Test
    void fourQuarterTurnsReturnTheOriginalAwayFromTheBorders() {
        // Centre (3, 4): a quarter turn maps pixel centres onto pixel centres (rows and cols of equal parity).
        int rows = 7;
        int cols = 9;
        float[] x = randomImage(rows * cols, 3);
        Rotation q = Rotation.of(90, rows, cols, 1);
        float[] y = x;
        for (int t = 0; t < 4; t++) {
            y = q.apply(y);
        }
        // Rotating a non-square image loses what leaves the frame; the central square survives.
        for (int r = 0; r < rows; r++) {
            for (int c = 1; c < cols - 1; c++) {
                assertThat(y[r * cols + c]).isCloseTo(x[r * cols + c], within(1e-6f));
            }
        }
        float[] sq = randomImage(49, 4);
        Rotation q7 = Rotation.of(90, 7, 7, 1);
        assertThat(q7.apply(q7.apply(q7.apply(q7.apply(sq))))).containsExactly(sq);
    }

    @Test
    void weightsOfEachOutputPixelSumToAtMostOne() {
        for (double deg : new double[] {6.75, 33, 45, 90, 137.5, 263.25}) {
            Rotation rot = Rotation.of(deg, 8, 8, 1);
            double[] m = rot.planeMatrix();
            for (int p = 0; p < 64; p++) {
                double sum = 0;
                int nonZero = 0;
                for (int s = 0; s < 64; s++) {
                    assertThat(m[p * 64 + s]).isGreaterThanOrEqualTo(0);
                    sum += m[p * 64 + s];
                    nonZero += m[p * 64 + s] > 0 ? 1 : 0;
                }
                assertThat(sum).as("deg=%s pixel=%d", deg, p).isLessThanOrEqualTo(1 + 1e-12);
                assertThat(nonZero).isLessThanOrEqualTo(4);
            }
            // the centre pixels always come from inside the image
            double centre = 0;
            for (int s = 0; s < 64; s++) {
                centre += m[(3 * 8 + 3) * 64 + s];
            }
            assertThat(centre).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void domainAnglesFollowTheReference() {
        assertThat(Rotation.forDomain(1, 40, 28, 28, 1).degrees()).isEqualTo(6.75);
        assertThat(Rotation.forDomain(39, 40, 28, 28, 1).degrees()).isEqualTo(263.25);
        assertThatThrownBy(() -> Rotation.forDomain(40, 40, 28, 28, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i=40");
    }

    /**
     * The float path (4 bilinear taps unrolled) sums the same products in the same order as the double path (a loop
     * over the taps), so it equals the double result rounded to float, bit for bit.
     */
    @Test
    void unrolledFloatPathEqualsTheDoublePathRounded() {
        Rotation rot = Rotation.of(33, 28, 28, 1);
        float[] x = randomImage(28 * 28, 5);
        double[] xd = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            xd[k] = x[k];
        }
        float[] y = rot.apply(x);
        double[] yd = new double[x.length];
        rot.apply(xd, 0, yd, 0);
        for (int k = 0; k < x.length; k++) {
            assertThat(y[k]).isEqualTo((float) yd[k]);
        }
        assertThat(rot.nonZerosPerPlane()).as("bilinear: most pixels have 4 sources").isGreaterThan(3 * 600);
    }

    @Test
    void batchApplicationMatchesPerRow() {
        Rotation rot = Rotation.of(30, 4, 4, 3);
        float[] batch = randomImage(2 * 48, 9);
        float[] out = new float[batch.length];
        rot.applyBatch(batch, out, 2);

        float[] second = new float[48];
        System.arraycopy(batch, 48, second, 0, 48);
        float[] expected = rot.apply(second);
        for (int k = 0; k < 48; k++) {
            assertThat(out[48 + k]).isEqualTo(expected[k]);
        }
    }
}
