package io.github.gdln.kpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** KPathRun restored at an epoch boundary continues exactly like the uninterrupted run. */
class KPathRunResumeTest {

    /**
     * A tiny routing task: 3 domains, 6-pixel inputs, 3 classes; domain i shifts the pixels by i (a permutation),
     * declared as such ({@link RoutingData#permutation}, folded into the encoders) when {@code declared}.
     */
    static final class Tiny implements RoutingData, TaskData {
        final int n;
        final float[] px;
        final int[] labels;
        final boolean declared;

        Tiny(int n, long seed) {
            this(n, seed, false);
        }

        Tiny(int n, long seed, boolean declared) {
            this.n = n;
            this.declared = declared;
            SplittableRandom r = new SplittableRandom(seed);
            px = new float[n * 6];
            labels = new int[n];
            for (int s = 0; s < n; s++) {
                labels[s] = r.nextInt(3);
                for (int k = 0; k < 6; k++) {
                    px[s * 6 + k] = (float) ((k % 3 == labels[s] ? 1 : 0) + 0.1 * r.nextGaussian());
                }
            }
        }

        public int domains() {
            return 3;
        }

        public int classes() {
            return 3;
        }

        public int inputWidth() {
            return 6;
        }

        public void domainInputs(int domain, int[] samples, float[] out) {
            for (int b = 0; b < samples.length; b++) {
                for (int k = 0; k < 6; k++) {
                    out[b * 6 + k] = px[samples[b] * 6 + (k + domain) % 6];
                }
            }
        }

        @Override
        public java.util.Optional<int[]> permutation(int domain) {
            if (!declared) {
                return java.util.Optional.empty();
            }
            int[] p = new int[6];
            for (int k = 0; k < 6; k++) {
                p[k] = (k + domain) % 6;
            }
            return java.util.Optional.of(p);
        }

        @Override
        public void baseInputs(int[] samples, float[] out) {
            for (int b = 0; b < samples.length; b++) {
                System.arraycopy(px, samples[b] * 6, out, b * 6, 6);
            }
        }

        public int[] labels(int[] samples) {
            int[] l = new int[samples.length];
            for (int b = 0; b < samples.length; b++) {
                l[b] = labels[samples[b]];
            }
            return l;
        }

        public int[] relabeling(int domain) {
            int[] m = new int[3];
            for (int c = 0; c < 3; c++) {
                m[c] = (c + domain) % 3;
            }
            return m;
        }

        public int sampleCount() {
            return n;
        }

        public Map<String, Integer> inputWidths() {
            return Map.of("in0", 6, "in1", 6, "in2", 6);
        }

        public Map<String, Integer> outputWidths() {
            return Map.of("out0", 3, "out1", 3, "out2", 3);
        }

        public List<Context> contexts() {
            List<Context> cs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    cs.add(new Context(i + "->" + j, Map.of("in", i, "out", j)));
                }
            }
            return cs;
        }

        public void input(String node, int[] samples, double[] out) {
            throw new UnsupportedOperationException();
        }

        public void target(String node, int[] samples, double[] out) {
            throw new UnsupportedOperationException();
        }

        public Loss loss() {
            return Loss.halfSquaredError();
        }
    }

    private static KPathRun run(Tiny data) {
        return run(data, 0, DataType.FLOAT);
    }

    private static KPathRun run(Tiny data, int encoderWindow, DataType type) {
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 2, true, 3, 7);
        return new KPathRun(data, data, gate, new KPathRun.Settings(4, 5, 4, 1.0, 0.05, 0.9, type, 0, 0,
                encoderWindow), 7);
    }

    @Test
    void restoredRunEndsWithTheUninterruptedMetrics() {
        assertResumeIsExact(new Tiny(30, 3), 0);
    }

    /**
     * The deferred encoder update, windows of 3 steps over 7 full batches and a partial one per epoch (windows 3, 3,
     * 1, then a plain step): a checkpoint after epoch 2 (the end of a window, as every epoch end is) and a resume give
     * the uninterrupted run's metrics bit for bit.
     */
    @Test
    void restoredDeferredRunEndsWithTheUninterruptedMetrics() {
        Tiny data = new Tiny(30, 3, true);
        assertThat(run(data, 3, DataType.FLOAT).encoderWindow()).isEqualTo(3);
        assertThat(run(data, 0, DataType.FLOAT).encoderWindow()).as("auto on a tiny model").isEqualTo(1);
        assertResumeIsExact(data, 3);
    }

    /**
     * In float64 the windowed run follows the plain run to 1e-10 (losses and accuracies of every epoch), with folded
     * and with per-domain inputs.
     */
    @Test
    void deferredRunFollowsThePlainRun() {
        for (Tiny data : List.of(new Tiny(30, 3, true), new Tiny(30, 3))) {
            List<KPathRun.EpochMetrics> plain = run(data, 1, DataType.DOUBLE).run(null);
            List<KPathRun.EpochMetrics> deferred = run(data, 3, DataType.DOUBLE).run(null);
            for (int k = 0; k < plain.size(); k++) {
                assertThat(deferred.get(k).trainingLoss()).isCloseTo(plain.get(k).trainingLoss(),
                        org.assertj.core.data.Percentage.withPercentage(1e-8));
                assertThat(deferred.get(k).test().orElseThrow().trainedLoss().getAsDouble())
                        .isCloseTo(plain.get(k).test().orElseThrow().trainedLoss().getAsDouble(),
                                org.assertj.core.data.Percentage.withPercentage(1e-8));
            }
        }
    }

    /** Per-domain inputs (not folded) train in windows too, and resume from an epoch's end bit for bit. */
    @Test
    void perDomainDeferredRunResumesExactly() {
        Tiny data = new Tiny(30, 3);
        assertThat(run(data, 4, DataType.FLOAT).encoderWindow()).isEqualTo(4);
        assertThat(run(data, 0, DataType.FLOAT).encoderWindow()).as("auto on a tiny model").isEqualTo(1);
        assertResumeIsExact(data, 4);
    }

    private static void assertResumeIsExact(Tiny data, int encoderWindow) {
        List<KPathRun.EpochMetrics> full = run(data, encoderWindow, DataType.FLOAT).run(null);

        KPathRun first = run(data, encoderWindow, DataType.FLOAT);
        first.epoch();
        first.epoch();
        double[] p = first.model().parameters().castTo(DataType.DOUBLE).toDoubleVector();
        double[] v = first.model().momenta().castTo(DataType.DOUBLE).toDoubleVector();

        KPathRun resumed = run(data, encoderWindow, DataType.FLOAT);
        resumed.restore(2, p, v);
        assertThat(resumed.epochsDone()).isEqualTo(2);
        List<KPathRun.EpochMetrics> rest = resumed.run(null);
        assertThat(rest).hasSize(2);
        for (int k = 0; k < 2; k++) {
            KPathRun.EpochMetrics a = full.get(k + 2);
            KPathRun.EpochMetrics b = rest.get(k);
            assertThat(b.epoch()).isEqualTo(a.epoch());
            assertThat(b.trainingLoss()).isEqualTo(a.trainingLoss());
            assertThat(b.train()).isEqualTo(a.train());
            assertThat(b.test()).isEqualTo(a.test());
        }
        assertThatThrownBy(() -> run(data).restore(1, new double[3], new double[3]))
                .hasMessageContaining("parameters");
    }
}
