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
 * are computed once and shared by all its pathways; a training step computes only the trained pathways' outputs.
 */
class UnitPlanTest {

    @Test
    void routingSharesEncoderAndHiddenUnitsAndTrainsOnlyTrainedRoutes() {
        BoundTask task = Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of(),
                "routing-toy", Map.of(), "routing", Map.of(), new InitSpec("zero", 0), DataType.DOUBLE, 1)).task();
        int m = 7;
        int trainedRoutes = 28;
        // inputs, h1 and h2 once per input domain; one output unit per trained pathway
        assertThat(task.trainPlan().units()).hasSize(3 * m + trainedRoutes);
        // measuring adds the 21 untrained pathways' outputs, nothing else
        assertThat(task.evalPlan().units()).hasSize(3 * m + m * m);
        assertThat(task.trainedContexts()).hasSize(trainedRoutes);
        // the evaluation plan starts with the training plan, unit for unit
        assertThat(task.evalPlan().units().subList(0, task.trainPlan().units().size()))
                .usingRecursiveComparison().isEqualTo(task.trainPlan().units());
    }

    /**
     * The measurement's forward pass gives the training gradient bit for bit (what lets full-batch training measure
     * each epoch with the next step's forward pass), and the same losses as a plain evaluation.
     */
    @Test
    void evaluatingWithAGradientGivesExactlyTheTrainingGradientAndTheEvaluationLosses() {
        Simulation sim = Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of(),
                "routing-toy", Map.of(), "routing", Map.of("K", 3), new InitSpec("orthogonal", 0.3),
                DataType.DOUBLE, 4));
        BoundTask task = sim.task();
        GatedNetwork net = sim.network();
        int[] all = java.util.stream.IntStream.range(0, task.data().sampleCount()).toArray();
        org.nd4j.linalg.api.ndarray.INDArray training = net.newGradient();
        double objective = new Propagator(task, DataType.DOUBLE).objective(net, all, training);
        org.nd4j.linalg.api.ndarray.INDArray fused = net.newGradient();
        Propagator.Pass pass = new Propagator(task, DataType.DOUBLE).evaluate(net, all, fused);
        Propagator.Pass plain = new Propagator(task, DataType.DOUBLE).evaluate(net, all);
        assertThat(fused.toDoubleVector()).containsExactly(training.toDoubleVector());
        assertThat(pass.contexts()).containsExactly(plain.contexts());
        assertThat(pass.loss()).containsExactly(plain.loss());
        double trainedSum = 0;
        for (int k = 0; k < pass.contexts().length; k++) {
            trainedSum += task.trained(pass.contexts()[k]) ? pass.loss()[k] : 0;
        }
        assertThat(trainedSum * task.contextWeight()).isEqualTo(objective);
    }
}
