package io.github.gdln.plugins.mnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.kpath.KPathRun;
import io.github.gdln.kpath.Metrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deferred encoder update against the plain step on real MNIST in float32 (issue 12's exactness on real data):
 * permuted MNIST (folded inputs) and rotated MNIST (per-domain inputs), M = 10, K = 5, H = 128, 4,000 training images
 * (500 steps of 8 per epoch), 3 epochs, the same run with {@code encoder-window} 1 and 16. The two differ only by float32 rounding (the same sums in another order), so
 * every epoch's training loss and test losses agree to 1e-4 relative (float32 drift over 1,500 steps; measured ~1e-7
 * on 12,000 images) and the test accuracies to 0.2 points, the bound. The run trains (the trained-pathway
 * test accuracy passes 0.6 from chance, 0.1), so a step that did nothing would not pass. Needs real MNIST
 * ({@code scripts/fetch-data mnist}), like {@link MnistRoutingRealDataTest}.
 */
class MnistDeferredStepTest {
    @ParameterizedTest
    @ValueSource(strings = {"permute", "rotate"})
    void deferredAndPlainStepsAgreeToFloat32RoundingOnRealMnist(String transform) {
        MnistRoutingRealDataTest.requireMnist();
        TaskData data = new MnistRoutingTask().load(MnistRoutingTaskTest.params(Map.of("domains", 10,
                "input-transform", transform, "train-samples", 4000, "test-samples", 1000)), 1);
        RoutingData train = (RoutingData) data;
        RoutingData test = (RoutingData) data.test().orElseThrow();
        boolean[][] gate = KPathRun.routingGate("K_plus_mod", 5, true, 10, 1);
        KPathRun.Settings s = KPathRun.Settings.from(MnistRoutingTaskTest.trainerParams(Map.of("epochs", 3,
                "hidden-width", 128, "gain", 1.0, "learning-rate", 0.005, "momentum", 0.9, "precision", "float32",
                "eval-train-samples", 1000)));
        List<KPathRun.EpochMetrics> plain = new KPathRun(train, test, gate, s.withEncoderWindow(1), 1).run(null);
        List<KPathRun.EpochMetrics> deferred = new KPathRun(train, test, gate, s.withEncoderWindow(16), 1).run(null);
        assertThat(deferred).hasSameSizeAs(plain);
        for (int e = 0; e < plain.size(); e++) {
            KPathRun.EpochMetrics p = plain.get(e);
            KPathRun.EpochMetrics d = deferred.get(e);
            assertThat(d.trainingLoss()).as("epoch %d training loss", e + 1)
                    .isCloseTo(p.trainingLoss(), within(1e-4 * p.trainingLoss()));
            Metrics pt = p.test().orElseThrow();
            Metrics dt = d.test().orElseThrow();
            assertThat(dt.trainedLoss().getAsDouble()).as("epoch %d test loss, trained pathways", e + 1)
                    .isCloseTo(pt.trainedLoss().getAsDouble(), within(1e-4 * pt.trainedLoss().getAsDouble()));
            assertThat(dt.untrainedLoss().getAsDouble()).as("epoch %d test loss, untrained pathways", e + 1)
                    .isCloseTo(pt.untrainedLoss().getAsDouble(), within(1e-4 * pt.untrainedLoss().getAsDouble()));
            assertThat(dt.trainedAccuracy().getAsDouble()).as("epoch %d test accuracy, trained pathways", e + 1)
                    .isCloseTo(pt.trainedAccuracy().getAsDouble(), within(0.002));
            assertThat(dt.untrainedAccuracy().getAsDouble()).as("epoch %d test accuracy, untrained pathways", e + 1)
                    .isCloseTo(pt.untrainedAccuracy().getAsDouble(), within(0.002));
        }
        assertThat(plain.get(plain.size() - 1).test().orElseThrow().trainedAccuracy().getAsDouble())
                .as("the run trains").isGreaterThan(0.6);
    }
}
