package io.github.gdln.plugins.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.Context;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.RoutingData;
import io.github.gdln.datasets.ImageDataset;
import io.github.gdln.datasets.LabelPermutationOrder;
import io.github.gdln.datasets.LabelPermutations;
import io.github.gdln.datasets.PixelPermutation;
import io.github.gdln.datasets.Rotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTaskDataTest {

    static ImageDataset images(int n, int side, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * side * side];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = r.nextInt(classes);
            for (int k = 0; k < side * side; k++) {
                px[s * side * side + k] = (float) r.nextDouble();
            }
        }
        return new ImageDataset("synthetic", n, side, side, 1, px, labels, classes, Map.of());
    }

    static RoutingTaskData permuted(ImageDataset data, int m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PixelPermutation> perms = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            perms.add(PixelPermutation.random(data.features(), r));
        }
        int[][] maps = LabelPermutations.relabelings(LabelPermutationOrder.UNIFORM, m, data.classes(), r);
        return new RoutingTaskData("test data", TransformedImages.permuted(data, perms), data.labels(),
                data.classes(), maps, null);
    }

    @Test
    void genericViewAndRoutingViewAgree() {
        ImageDataset data = images(7, 4, 3, 1);
        RoutingTaskData t = permuted(data, 3, 2);
        assertThat(t.contexts()).hasSize(9);
        assertThat(t.contexts().get(5)).isEqualTo(Context.route(1, 2));
        assertThat(t.inputWidths()).containsEntry("in2", 16).hasSize(3);
        assertThat(t.outputWidths()).containsEntry("out0", 3).hasSize(3);
        assertThat(t.loss().kind()).isEqualTo(LossKind.SOFTMAX_CROSS_ENTROPY);
        assertThat(t.loss().meanOverContexts()).isTrue();
        int[] samples = {4, 0, 6};
        RoutingData r = t;
        float[] base = new float[3 * 16];
        r.baseInputs(samples, base);
        for (int i = 0; i < 3; i++) {
            double[] generic = new double[3 * 16];
            t.input("in" + i, samples, generic);
            float[] routed = new float[3 * 16];
            r.domainInputs(i, samples, routed);
            int[] perm = r.permutation(i).orElseThrow();
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < 16; k++) {
                    assertThat(generic[s * 16 + k]).isEqualTo(routed[s * 16 + k]);
                    assertThat(routed[s * 16 + k]).isEqualTo(base[s * 16 + perm[k]]);
                }
            }
        }
        int[] labels = r.labels(samples);
        for (int j = 0; j < 3; j++) {
            double[] y = new double[3 * 3];
            t.target("out" + j, samples, y);
            for (int s = 0; s < 3; s++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(y[s * 3 + c]).isEqualTo(c == r.relabeling(j)[labels[s]] ? 1.0 : 0.0);
                }
            }
        }
    }

    @Test
    void rotatedDomainsHaveNoPermutation() {
        ImageDataset data = images(3, 5, 2, 3);
        List<Rotation> rots = List.of(Rotation.forDomain(0, 2, 5, 5, 1), Rotation.forDomain(1, 2, 5, 5, 1));
        RoutingTaskData t = new RoutingTaskData("rot", TransformedImages.rotated(data, rots), data.labels(), 2,
                new int[][] {{0, 1}, {1, 0}}, null);
        assertThat(t.permutation(1)).isEmpty();
        assertThatThrownBy(() -> t.baseInputs(new int[] {0}, new float[25]))
                .isInstanceOf(UnsupportedOperationException.class);
        float[] out = new float[25];
        t.domainInputs(1, new int[] {2}, out);
        assertThat(out).containsExactly(rots.get(1).apply(java.util.Arrays.copyOfRange(data.pixels(), 50, 75)));
    }

    @Test
    void badNodesAndShapesAreNamed() {
        RoutingTaskData t = permuted(images(2, 2, 2, 1), 2, 1);
        assertThatThrownBy(() -> t.input("in7", new int[] {0}, new double[4]))
                .hasMessageContaining("in7").hasMessageContaining("in0..in1");
        assertThatThrownBy(() -> t.target("out0", new int[] {0, 1}, new double[3]))
                .hasMessageContaining("out0");
        ImageDataset d = images(2, 2, 2, 1);
        assertThatThrownBy(() -> new RoutingTaskData("x", TransformedImages.permuted(d,
                List.of(PixelPermutation.identity(4))), d.labels(), 2, new int[][] {{0, 1}, {1, 0}}, null))
                .hasMessageContaining("2 output domains").hasMessageContaining("1 input domains");
    }
}
