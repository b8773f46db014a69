package io.github.gdln.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

/** Trainer behaviour checked against closed forms on a single linear edge (exact to rounding, 1e-12). */
class TrainerTest {

    @Test
    void gradientDescentOnAScalarMatchesTheClosedForm() {
        // L = ½⟨(x1 − w·x)²⟩ over the four XOR points, ⟨x xᵀ⟩ = I: w_k = w* + (1 − η)^k (w0 − w*), w* = (1, 0)
        Simulation s = scalarChain("zero", 0);
        double eta = 0.1;
        Trajectory t = s.train(TrainerSettings.fullBatch(20, eta), p -> { });
        double w1 = s.network().weightMatrix(0)[0][0];
        assertThat(w1).isCloseTo(1 - Math.pow(1 - eta, 20), within(1e-12));
        // loss ½⟨(x1 − w1 x1)²⟩ = ½ (1 − w1)²
        assertThat(t.last().loss()).isCloseTo(0.5 * Math.pow(1 - w1, 2), within(1e-12));
    }

    @Test
    void gradientFlowMatchesTheExponentialSolution() {
        Simulation s = scalarChain("zero", 0);
        double eta = 0.1;
        TrainerSettings flow = new TrainerSettings(TrainerSettings.Method.GRADIENT_FLOW, 20, eta, 0, 1, 5, 1e-10,
                List.of(), 0);
        s.train(flow, p -> { });
        // dw/dt = −η (w − 1): w(t) = 1 − e^{−η t} (docs/theory.md §2.3, D = 1)
        assertThat(s.network().weightMatrix(0)[0][0]).isCloseTo(1 - Math.exp(-eta * 20), within(1e-8));
    }

    @Test
    void momentumFollowsThePyTorchRecurrence() {
        Simulation s = scalarChain("zero", 0);
        double eta = 0.1;
        double mu = 0.5;
        s.train(new TrainerSettings(TrainerSettings.Method.SGD, 3, eta, mu, 4, 1, 1e-8, List.of(), 0), p -> { });
        double w = 0;
        double v = 0;
        for (int k = 0; k < 3; k++) { // full batch (batch 4 = N): g = w − 1
            v = mu * v + (w - 1);
            w -= eta * v;
        }
        assertThat(s.network().weightMatrix(0)[0][0]).isCloseTo(w, within(1e-12));
    }

    @Test
    void divergenceStopsWithAClearMessage() {
        Simulation s = scalarChain("orthogonal", 1);
        assertThatThrownBy(() -> s.train(TrainerSettings.fullBatch(2000, 5.0), p -> { }))
                .isInstanceOf(DivergenceException.class).hasMessageContaining("diverged")
                .hasMessageContaining("epoch");
    }

    /**
     * An absurd learning rate (1e200) makes every method's weights overflow within an epoch or two; measuring only
     * at the end (epoch 5) leaves it to the checks made during training (step loss and gradient, parameters after
     * the epoch, the flow's loss and gradient).
     */
    @ParameterizedTest
    @EnumSource(TrainerSettings.Method.class)
    void anAbsurdLearningRateFailsWithTheReasonForEveryMethod(TrainerSettings.Method method) {
        Simulation s = scalarChain("orthogonal", 1);
        TrainerSettings absurd = new TrainerSettings(method, 5, 1e200, 0, 2, 5, 1e-8, List.of(), 0);
        assertThatThrownBy(() -> s.train(absurd, p -> { }))
                .isInstanceOf(DivergenceException.class)
                .hasMessageStartingWith("training diverged in ")
                .hasMessageMatching("(?s).*(the loss is|gradient element \\d+ is|parameter \\d+ is) "
                        + "(NaN|-?Infinity).*")
                .hasMessageContaining("learning-rate 1.0E200")
                .hasMessageMatching(method == TrainerSettings.Method.GRADIENT_FLOW
                        ? "training diverged in epoch 1 \\(gradient flow.*" : "training diverged in epoch [12], step \\d.*");
    }

    /**
     * Weights ~1e10 (loss ~5e19, gradient ~1e10, all finite) and a learning rate of 1e300: the first full-batch step
     * overflows a weight to infinity, which the check after the epoch reports before any loss is computed there.
     */
    @Test
    void aParameterOverflowingInAnEpochIsReported() {
        Simulation s = scalarChain("orthogonal", 1e10);
        TrainerSettings absurd = new TrainerSettings(TrainerSettings.Method.FULL_BATCH, 5, 1e300, 0, 1, 5, 1e-8,
                List.of(), 0);
        assertThatThrownBy(() -> s.train(absurd, p -> { }))
                .isInstanceOf(DivergenceException.class)
                .hasMessageMatching("training diverged in epoch 1: parameter \\d is -?Infinity after the epoch's last"
                        + " step \\(learning-rate 1.0E300\\).*");
    }

    /** A loss of ~5e29 (weights ~1e15) is large but finite: reported, never called divergence. */
    @ParameterizedTest
    @EnumSource(TrainerSettings.Method.class)
    void aLargeButFiniteLossDoesNotFail(TrainerSettings.Method method) {
        Simulation s = scalarChain("orthogonal", 1e15);
        Trajectory t = s.train(new TrainerSettings(method, 3, 1e-3, 0, 2, 1, 1e-8, List.of(), 0), p -> { });
        assertThat(t.last().epoch()).isEqualTo(3);
        assertThat(t.last().loss()).isFinite().isGreaterThan(1e28);
    }

    @Test
    void listenerCanStopTrainingEarly() {
        Simulation s = scalarChain("zero", 0);
        Trajectory t = new Trainer(TrainerSettings.fullBatch(50, 0.1)).train(s.network(), s.task(), 0,
                new Trainer.Listener() {
                    @Override
                    public void measured(Trajectory.Point point) {
                    }

                    @Override
                    public boolean stopAfter(int epoch, io.github.gdln.core.engine.GatedNetwork net,
                                             org.nd4j.linalg.api.ndarray.INDArray momentum) {
                        return epoch == 10;
                    }
                });
        assertThat(t.last().epoch()).isEqualTo(10);
    }

    /** A single 1 x 2 edge fitting y = x1 on the four XOR points. */
    private static Simulation scalarChain(String init, double scale) {
        return Simulation.prepare(Registry.builtIn(), new Simulation.Setup("chain",
                Map.of(), "xor", Map.of("labels", "x1"), "open", Map.of(),
                new InitSpec(init, scale), DataType.DOUBLE, 0));
    }
}
