package io.github.gdln.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** One root seed fixes every number; float32 and float64 agree to float32 precision. */
class DeterminismTest {

    private static Simulation sim(DataType type, long seed) {
        return Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of("hidden-width", 16),
                "routing-toy", Map.of("domains", 4), "routing", Map.of("K", 2, "permute", true),
                new InitSpec("orthogonal", 0.3), type, seed));
    }

    private static TrainerSettings sgd() {
        return new TrainerSettings(TrainerSettings.Method.SGD, 30, 0.01, 0.5, 3, 5, 1e-8, List.of("shared1"), 3);
    }

    @Test
    void sameSeedGivesBitwiseIdenticalTrajectoriesAndWeights() {
        Simulation a = sim(DataType.DOUBLE, 42);
        Simulation b = sim(DataType.DOUBLE, 42);
        Trajectory ta = a.train(sgd(), p -> { });
        Trajectory tb = b.train(sgd(), p -> { });
        assertThat(ta.losses()).containsExactly(tb.losses());
        assertThat(a.network().parameters().toDoubleVector()).containsExactly(b.network().parameters().toDoubleVector());
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        assertThat(sim(DataType.DOUBLE, 1).network().parameters().toDoubleVector())
                .isNotEqualTo(sim(DataType.DOUBLE, 2).network().parameters().toDoubleVector());
    }

    @Test
    void float32AgreesWithFloat64ToFloat32Tolerance() {
        Trajectory t64 = sim(DataType.DOUBLE, 5).train(sgd(), p -> { });
        Trajectory t32 = sim(DataType.FLOAT, 5).train(sgd(), p -> { });
        double[] l64 = t64.losses();
        double[] l32 = t32.losses();
        // 30 epochs x 4 steps of float32 arithmetic on O(1)-conditioned matrices: relative error well below 1e-4
        for (int i = 0; i < l64.length; i++) {
            assertThat(l32[i]).isCloseTo(l64[i], within(1e-4 * Math.max(1, l64[i])));
        }
        assertThat(l64[l64.length - 1]).isLessThan(l64[0]);
    }
}
