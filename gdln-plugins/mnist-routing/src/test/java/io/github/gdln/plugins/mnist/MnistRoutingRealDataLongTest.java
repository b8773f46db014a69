package io.github.gdln.plugins.mnist;

import io.github.gdln.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.kpath.Metrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Longer runs on real data, tagged {@code real-data} (run with {@code mvn -Preal-data -pl gdln-plugins/mnist-routing
 * test}; need {@code scripts/fetch-data mnist} and {@code scripts/fetch-data fashion-mnist}). They print per-epoch
 * metrics and throughput for the record; the assertions are loose.
 */
@Tag("real-data")
class MnistRoutingRealDataLongTest {

    private static List<KPathRun.EpochMetrics> train(Map<String, Object> task, int k, Map<String, Object> trainer) {
        MnistRoutingRealDataTest.requireMnist();
        TaskData data = new MnistRoutingTask().load(MnistRoutingTaskTest.params(task), 1);
        RoutingData r = (RoutingData) data;
        KPathRun run = new KPathRun(r, (RoutingData) data.test().orElseThrow(),
                KPathRun.routingGate("K_plus_mod", k, true, r.domains(), 1),
                KPathRun.Settings.from(MnistRoutingTaskTest.trainerParams(trainer)), 1);
        System.out.println(task + " K=" + k + " " + trainer + " folded=" + run.folded());
        return run.run(e -> System.out.printf(
                "  epoch %d: loss %.4f, test trained acc %.4f loss %.4f, untrained acc %.4f loss %.4f, %.0f img/s%n",
                e.epoch(), e.trainingLoss(), e.test().get().trainedAccuracy().getAsDouble(),
                e.test().get().trainedLoss().getAsDouble(), e.test().get().untrainedAccuracy().orElse(Double.NaN),
                e.test().get().untrainedLoss().orElse(Double.NaN), e.imagesPerSecond()));
    }

    private static Metrics last(List<KPathRun.EpochMetrics> epochs) {
        return epochs.get(epochs.size() - 1).test().orElseThrow();
    }

    @Test
    void rotatedDomains() {
        List<KPathRun.EpochMetrics> e = train(Map.of("domains", 10, "input-transform", "rotate",
                "train-samples", 20000, "test-samples", 5000), 5,
                Map.of("epochs", 2, "learning-rate", 0.02));
        assertThat(last(e).trainedAccuracy().getAsDouble()).isGreaterThan(0.75);
    }

    @Test
    void permutedDomainsAllImages() {
        List<KPathRun.EpochMetrics> e = train(Map.of("domains", 10), 5,
                Map.of("epochs", 2, "learning-rate", 0.02, "eval-train-samples", 10000));
        assertThat(last(e).trainedAccuracy().getAsDouble()).isGreaterThan(0.85);
    }

    @Test
    void fashionMnist() {
        List<KPathRun.EpochMetrics> e = train(Map.of("domains", 10, "dataset", "fashion-mnist",
                "train-samples", 20000, "test-samples", 5000), 5, Map.of("epochs", 2, "learning-rate", 0.02));
        assertThat(last(e).trainedAccuracy().getAsDouble()).isGreaterThan(0.65);
    }

    @Test
    void paperSizeM40Throughput() {
        // M = 40, K = 10, H = 128, batch 8, float32: one epoch over 8000 images at the paper's learning rate x 100
        List<KPathRun.EpochMetrics> e = train(Map.of("domains", 40, "train-samples", 8000, "test-samples", 2000),
                10, Map.of("epochs", 1, "learning-rate", 0.01));
        assertThat(last(e).trainedAccuracy().getAsDouble()).isGreaterThan(0.5);
    }
}
