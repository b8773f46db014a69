package io.github.gdln.plugins.mnist;

import io.github.gdln.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.kpath.Metrics;
import io.github.gdln.datasets.DataFolder;
import io.github.gdln.datasets.DatasetNotFoundException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The proof on real data (issue #5): mnist-routing trained on real MNIST (M = 10 permuted domains, K = 5,
 * 8000 training images, 2 epochs, lr 0.02) reaches &gt; 80% test accuracy on trained pathways. Part of the default test run:
 * it FAILS when MNIST is missing; fetch it with {@code scripts/fetch-data mnist} (into {@code $GDLN_DATA}, default
 * {@code ~/.cache/gdln/data}).
 */
class MnistRoutingRealDataTest {

    static void requireMnist() {
        try {
            DataFolder.fromEnvironment().mnist();
        } catch (DatasetNotFoundException e) {
            throw new AssertionFailedError("real MNIST is needed by this test; run `scripts/fetch-data mnist` first ("
                    + e.getMessage() + ")", e);
        }
    }

    @Test
    void trainedPathwaysReachEightyPercentOnRealMnist() {
        requireMnist();
        TaskData data = new MnistRoutingTask().load(MnistRoutingTaskTest.params(Map.of("domains", 10,
                "train-samples", 8000, "test-samples", 2000)), 1);
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 5, true, 10, 1);
        KPathRun.Settings s = KPathRun.Settings.from(MnistRoutingTaskTest.trainerParams(Map.of("epochs", 2,
                "hidden-width", 128, "gain", 1.0, "learning-rate", 0.02, "momentum", 0.9)));
        KPathRun run = new KPathRun((RoutingData) data, (RoutingData) data.test().orElseThrow(), gate, s, 1);
        assertThat(run.folded()).isTrue();
        List<KPathRun.EpochMetrics> epochs = run.run(e -> System.out.printf(
                "epoch %d: loss %.4f, train trained acc %.4f, test trained acc %.4f, untrained %.4f, %.0f img/s%n",
                e.epoch(), e.trainingLoss(), e.train().trainedAccuracy().getAsDouble(),
                e.test().get().trainedAccuracy().getAsDouble(), e.test().get().untrainedAccuracy().getAsDouble(),
                e.imagesPerSecond()));
        Metrics test = epochs.get(epochs.size() - 1).test().orElseThrow();
        assertThat(test.trainedAccuracy().getAsDouble()).as("trained-pathway test accuracy").isGreaterThan(0.80);
        assertThat(test.untrainedAccuracy()).isPresent();
    }
}
