package io.github.gdln.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Shared computation in the routing toy (M = 7, K = 4): each input domain's encoder output and hidden activations
 * are computed once and shared by all its routes; a training step computes only the trained routes' outputs.
 */
class UnitPlanTest {

    @Test
    void routingSharesEncoderAndHiddenUnitsAndTrainsOnlyTrainedRoutes() {
        BoundTask task = Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of(),
                "routing-toy", Map.of(), "routing", Map.of(), new InitSpec("zero", 0), DataType.DOUBLE, 1)).task();
        int m = 7;
        int trainedRoutes = 28;
        // inputs, h1 and h2 once per input domain; one output unit per trained route
        assertThat(task.trainPlan().units()).hasSize(3 * m + trainedRoutes);
        // measuring adds the 21 untrained routes' outputs, nothing else
        assertThat(task.evalPlan().units()).hasSize(3 * m + m * m);
        assertThat(task.trainedContexts()).hasSize(trainedRoutes);
    }
}
