package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PixelPermutationTest {

    @Test
    void seededPermutationIsReproducibleAndAPermutation() {
        PixelPermutation a = PixelPermutation.seeded(784, 3);
        PixelPermutation b = PixelPermutation.random(784, new SplittableRandom(3));

        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(PixelPermutation.seeded(784, 4));
        int[] sorted = a.indices();
        Arrays.sort(sorted);
        for (int k = 0; k < 784; k++) {
            assertThat(sorted[k]).isEqualTo(k);
        }
    }

    @Test
    void appliesAndInverts() {
        PixelPermutation p = PixelPermutation.of(new int[] {2, 0, 1});
        float[] x = {10f, 20f, 30f};

        assertThat(p.apply(x)).containsExactly(30f, 10f, 20f);
        assertThat(p.inverse().apply(p.apply(x))).containsExactly(x);
        double[] out = new double[4];
        p.apply(new double[] {0, 1, 2, 3}, 1, out, 1);
        assertThat(out).containsExactly(0, 3, 1, 2);
    }

    @Test
    void foldingIntoEncoderColumnsMatchesPermutingTheInput() {
        int n = 6;
        int h = 2;
        PixelPermutation p = PixelPermutation.seeded(n, 11);
        double[][] w = new double[h][n];
        double[][] folded = new double[h][n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < h; i++) {
            for (int k = 0; k < n; k++) {
                w[i][k] = r.nextDouble();
            }
            for (int k = 0; k < n; k++) {
                folded[i][p.source(k)] = w[i][k];
            }
        }
        double[] x = r.doubles(n).toArray();
        double[] px = new double[n];
        p.apply(x, 0, px, 0);
        for (int i = 0; i < h; i++) {
            double onPermuted = 0;
            double foldedOnRaw = 0;
            for (int k = 0; k < n; k++) {
                onPermuted += w[i][k] * px[k];
                foldedOnRaw += folded[i][k] * x[k];
            }
            assertThat(foldedOnRaw).isCloseTo(onPermuted, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void rejectsNonPermutations() {
        assertThatThrownBy(() -> PixelPermutation.of(new int[] {0, 2, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 2 is 2 (repeated)");
        assertThatThrownBy(() -> PixelPermutation.of(new int[] {0, 3}))
                .hasMessageContaining("entry 1 is 3 (out of range)");
        assertThatThrownBy(() -> PixelPermutation.identity(3).apply(new float[4]))
                .hasMessageContaining("row has 4 features, permutation expects 3");
    }
}
