package io.github.gdln.plugins.routing;

import io.github.gdln.core.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.api.Params;
import io.github.gdln.core.kpath.Metrics;
import io.github.gdln.core.kpath.PairStats;
import io.github.gdln.core.train.DivergenceException;
import io.github.gdln.datasets.ImageDataset;
import io.github.gdln.datasets.PixelPermutation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class KPathRunTest {

    /** Two well separated classes: class c has mean pattern c on a 4x4 image. */
    static ImageDataset separable(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * 16];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = r.nextInt(3);
            for (int k = 0; k < 16; k++) {
                double mean = (k % 3 == labels[s]) ? 1.0 : 0.0;
                px[s * 16 + k] = (float) (mean + 0.1 * r.nextGaussian());
            }
        }
        return new ImageDataset("separable", n, 4, 4, 1, px, labels, 3, Map.of());
    }

    static RoutingTaskData data(ImageDataset d, List<PixelPermutation> perms, boolean hidePermutations) {
        DomainInputs inputs = TransformedImages.permuted(d, perms);
        if (hidePermutations) {
            DomainInputs visible = inputs;
            inputs = new DomainInputs() {
                public int count() {
                    return visible.count();
                }

                public int domains() {
                    return visible.domains();
                }

                public int width() {
                    return visible.width();
                }

                public void fill(int domain, int[] samples, float[] out) {
                    visible.fill(domain, samples, out);
                }
            };
        }
        int[][] maps = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}};
        return new RoutingTaskData("sep", inputs, d.labels(), 3, maps, null);
    }

    static KPathRun.Settings settings(int epochs, DataType type) {
        return new KPathRun.Settings(epochs, 8, 4, 1.0, 0.05, 0.9, type, 0, 0);
    }

    @Test
    void foldedAndPerDomainStepsAgreeForIdentityPermutations() {
        ImageDataset d = separable(40, 1);
        List<PixelPermutation> id = List.of(PixelPermutation.identity(16), PixelPermutation.identity(16),
                PixelPermutation.identity(16));
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 2, false, 3, 5);
        KPathRun folded = new KPathRun(data(d, id, false), null, gate, settings(2, DataType.DOUBLE), 9);
        KPathRun general = new KPathRun(data(d, id, true), null, gate, settings(2, DataType.DOUBLE), 9);
        assertThat(folded.folded()).isTrue();
        assertThat(general.folded()).isFalse();
        List<KPathRun.EpochMetrics> a = folded.run(null);
        List<KPathRun.EpochMetrics> b = general.run(null);
        for (int e = 0; e < 2; e++) {
            assertThat(a.get(e).trainingLoss()).isCloseTo(b.get(e).trainingLoss(), within(1e-10));
            assertThat(a.get(e).train().trainedLoss().getAsDouble())
                    .isCloseTo(b.get(e).train().trainedLoss().getAsDouble(), within(1e-10));
        }
    }

    /**
     * "Diverged" means non-finite numbers, not large ones: at gain 10 (logits far apart, a loss of hundreds at the
     * start) a run trains with finite losses and metrics, float32 and float64; an absurd learning rate (1e6) makes
     * the parameters blow up and the run stops with a {@link DivergenceException} that names the reason and the
     * learning rate.
     */
    @Test
    void largeGainTrainsAndAnAbsurdLearningRateDiverges() {
        SplittableRandom r = new SplittableRandom(3);
        List<PixelPermutation> perms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            perms.add(PixelPermutation.random(16, r));
        }
        RoutingTaskData train = data(separable(200, 1), perms, false);
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 2, true, 3, 11);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            KPathRun large = new KPathRun(train, null, gate,
                    new KPathRun.Settings(2, 8, 4, 10.0, 1e-4, 0.9, type, 0, 0), 4);
            double initial = large.measure(train, 0).trainedLoss().getAsDouble();
            List<KPathRun.EpochMetrics> e = large.run(null);
            assertThat(initial).as("initial loss at gain 10").isGreaterThan(20);
            assertThat(e.get(1).trainingLoss()).isFinite().isLessThan(e.get(0).trainingLoss());
            assertThat(e.get(1).train().trainedLoss().getAsDouble()).isFinite().isLessThan(initial);
            KPathRun absurd = new KPathRun(train, null, gate,
                    new KPathRun.Settings(2, 8, 4, 1.0, 1e6, 0.9, type, 0, 0), 4);
            assertThatThrownBy(() -> absurd.run(null)).isInstanceOf(DivergenceException.class)
                    .hasMessageContaining("k-path training diverged in epoch 1").hasMessageContaining("1000000.0");
        }
    }

    @Test
    void learnsPermutedDomainsAndReportsBothGroupsOnTrainAndTest() {
        SplittableRandom r = new SplittableRandom(3);
        List<PixelPermutation> perms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            perms.add(PixelPermutation.random(16, r));
        }
        RoutingTaskData train = data(separable(300, 1), perms, false);
        RoutingTaskData test = data(separable(100, 2), perms, false);
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 2, true, 3, 11);
        KPathRun run = new KPathRun(train, test, gate, settings(3, DataType.FLOAT), 4);
        List<KPathRun.EpochMetrics> epochs = new ArrayList<>();
        run.run(epochs::add);
        assertThat(epochs).hasSize(3).extracting(KPathRun.EpochMetrics::epoch).containsExactly(1, 2, 3);
        KPathRun.EpochMetrics last = epochs.get(2);
        assertThat(last.trainingLoss()).isLessThan(epochs.get(0).trainingLoss());
        assertThat(last.train().trainedAccuracy().getAsDouble()).isGreaterThan(0.95);
        Metrics t = last.test().orElseThrow();
        assertThat(t.trainedAccuracy().getAsDouble()).isGreaterThan(0.95);
        assertThat(t.untrainedAccuracy()).isPresent();
        assertThat(t.untrainedLoss().getAsDouble()).isFinite();
        assertThat(last.images()).isEqualTo(300);
    }

    @Test
    void untrainedGroupIsAbsentWhenEveryPathwayIsTrained() {
        List<PixelPermutation> id = List.of(PixelPermutation.identity(16), PixelPermutation.identity(16),
                PixelPermutation.identity(16));
        RoutingTaskData train = data(separable(20, 1), id, true);
        boolean[][] gate = KPathRun.routingGate("fully_connected", 3, false, 3, 1);
        KPathRun run = new KPathRun(train, null, gate, settings(1, DataType.FLOAT), 1);
        KPathRun.EpochMetrics e = run.epoch();
        assertThat(e.train().untrainedAccuracy()).isEmpty();
        assertThat(e.train().untrainedLoss()).isEmpty();
        assertThat(e.test()).isEqualTo(Optional.empty());
        PairStats st = run.pairStats(train, 5);
        assertThat(st.samples()).isEqualTo(5);
    }

    @Test
    void settingsReadEveryKeyAndReportAllProblems() {
        Params p = new Params("trainer kpath", Map.of("epochs", 2, "hidden-width", 16, "batch-size", 8, "gain", 0.5,
                "learning-rate", 1e-3, "momentum", 0.9, "precision", "float64", "eval-train-samples", 0,
                "eval-test-samples", 100));
        KPathRun.Settings s = KPathRun.Settings.from(p);
        assertThat(s.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(s.evalTestSamples()).isEqualTo(100);
        assertThat(s.encoderWindow()).as("encoder-window absent: auto").isZero();
        assertThat(KPathRun.Settings.from(p.with("encoder-window", "auto")).encoderWindow()).isZero();
        assertThat(KPathRun.Settings.from(p.with("encoder-window", 16)).encoderWindow()).isEqualTo(16);
        Params bad = p.with("precision", "half").with("epochs", 0).with("encoder-window", "often");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KPathRun.Settings.from(bad))
                .hasMessageContaining("'precision' = half").hasMessageContaining("'epochs' = 0")
                .hasMessageContaining("'encoder-window' = often");
    }
}
