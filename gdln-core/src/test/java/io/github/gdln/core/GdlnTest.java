package io.github.gdln.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.AlignedInitializer;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.theory.NeuralRaceReduction;
import io.github.gdln.core.train.Trainer;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Seeds;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The facade is the lower-level API in fewer words: the same two-pathway race built by hand (graph, data, gating,
 * bound task, aligned start from the seed's init stream, trainer, reduction) gives bit-identical trajectories, and
 * the theory matches the simulation to rounding (the reduction's full-batch prediction is the exact Euler map of
 * the reduced system; 1e-12 absolute on losses of order 1).
 */
class GdlnTest {
    static final double[][] X = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    static final double[][] Y = {{2, 0, 0}, {0, 1, 0}, {0, 0, 0.5}};

    static Gdln.Setup race() {
        return Gdln.network()
                .input("x", 3).hidden("a", 3).hidden("b", 3).output("y", 3)
                .path("x", "a", "y").path("x", "b", "y")
                .data(X, Y).context("a only", "b").context("both")
                .alignedStart(0.05).seed(7).fullBatch(200, 0.1).track("a->y", "b->y");
    }

    @Test
    void theFacadeGivesExactlyWhatTheLowerLevelApiGives() {
        Gdln.Result r = race().train();

        Graph graph = new Graph(List.of(new Node("x", 3), new Node("a", 3), new Node("b", 3), new Node("y", 3)),
                List.of(new Edge("x->a", "x", "a"), new Edge("a->y", "a", "y"), new Edge("x->b", "x", "b"),
                        new Edge("b->y", "b", "y")), List.of("x"), List.of("y"));
        CompiledGraph compiled = new CompiledGraph(graph);
        InMemoryTaskData data = new InMemoryTaskData(Map.of("x", X), Map.of("y", Y),
                List.of(new Context("a only", Map.of()), new Context("both", Map.of())), Loss.halfSquaredError());
        BoundTask task = new BoundTask(compiled, data, new GatingScheme.Gating() {
            @Override
            public Gates gates(int context) {
                return context == 0 ? Gates.closing(List.of("b")) : Gates.open();
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        });
        GatedNetwork net = new GatedNetwork(compiled, DataType.DOUBLE);
        new AlignedInitializer(0.05).initialize(net, task, Seeds.stream(7, Seeds.INIT));
        TrainerSettings settings = TrainerSettings.fullBatch(200, 0.1).tracking(List.of("a->y", "b->y"), 4);
        Trajectory theory = NeuralRaceReduction.reduce(task, net).predict(settings).trajectory();
        Trajectory sim = new Trainer(settings).train(net, task, 7, p -> { });

        assertThat(r.trajectory().losses()).containsExactly(sim.losses());
        assertThat(r.trajectory().last().singularValues().get("b->y"))
                .containsExactly(sim.last().singularValues().get("b->y"));
        assertThat(r.prediction().orElseThrow().losses()).containsExactly(theory.losses());
        assertThat(r.weight("a->y")).isDeepEqualTo(net.weightMatrix(compiled.edgeIndex("a->y")));
        assertThat(r.assessment().holds()).isTrue();
        assertThat(r.comparison().orElseThrow().lossMaxAbs()).isLessThan(1e-12);
        // the race: pathway a, open in both contexts, ends far stronger than b
        assertThat(r.trajectory().last().singularValues().get("a->y")[0])
                .isGreaterThan(5 * r.trajectory().last().singularValues().get("b->y")[0]);
    }

    @Test
    void withoutTheReductionsAssumptionsThereIsNoPredictionAndTheAssessmentSaysWhy() {
        Gdln.Result r = race().start("orthogonal", 0.1).fullBatch(5, 0.1).train();
        assertThat(r.prediction()).isEmpty();
        assertThat(r.comparison()).isEmpty();
        assertThat(r.assessment().failures()).isNotEmpty();
        assertThat(r.trajectory().points()).hasSize(6);
    }

    @Test
    void dataNeedsOneInputAndOneOutputNode() {
        assertThatThrownBy(() -> Gdln.network().input("x", 1).input("z", 1).output("y", 1)
                .path("x", "y").data(new double[][] {{1}}, new double[][] {{1}}))
                .hasMessageContaining("exactly one input and one output node");
    }
}
