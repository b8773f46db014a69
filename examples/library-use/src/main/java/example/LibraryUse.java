package example;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Initializer;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.train.Trainer;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Builds a two-pathway gated network by hand, trains it by full-batch gradient descent and prints the race:
 * pathway "a" is open in both contexts, pathway "b" only in the second, so "a" sees more data and wins.
 * Exits with status 1 if the loss did not fall, so a build that runs it also checks it.
 */
public final class LibraryUse {
    public static void main(String[] args) {
        Graph graph = new Graph(
                List.of(new Node("x", 3), new Node("a", 8), new Node("b", 8), new Node("y", 2)),
                List.of(new Edge("xa", "x", "a"), new Edge("ay", "a", "y"),
                        new Edge("xb", "x", "b"), new Edge("by", "b", "y")),
                List.of("x"), List.of("y"));
        double[][] x = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[][] y = {{1, 0}, {0, 1}, {1, 1}};
        List<Context> contexts = List.of(new Context("a-only", Map.of()), new Context("both", Map.of()));
        InMemoryTaskData data = new InMemoryTaskData(Map.of("x", x), Map.of("y", y), contexts,
                Loss.halfSquaredError());
        GatingScheme.Gating gating = new GatingScheme.Gating() {
            @Override
            public Gates gates(int context) {
                return context == 0 ? Gates.closing(List.of("b")) : Gates.open();
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        };
        CompiledGraph compiled = new CompiledGraph(graph);
        BoundTask task = new BoundTask(compiled, data, gating);
        GatedNetwork net = new GatedNetwork(compiled, DataType.DOUBLE);
        new Initializer.Orthogonal(0.05).initialize(net, new SplittableRandom(7));
        TrainerSettings settings = TrainerSettings.fullBatch(400, 0.1).tracking(List.of("ay", "by"), 2);
        Trajectory t = new Trainer(settings).train(net, task, 7, p -> { });
        Trajectory.Point first = t.points().get(0);
        Trajectory.Point last = t.last();
        System.out.printf("loss %.4f -> %.6f after %d epochs%n", first.loss(), last.loss(), (int) last.epoch());
        System.out.printf("pathway a singular values %s, pathway b %s%n",
                java.util.Arrays.toString(last.singularValues().get("ay")),
                java.util.Arrays.toString(last.singularValues().get("by")));
        if (!(last.loss() < 0.01 * first.loss())) {
            System.err.println("the loss did not fall: the library is broken");
            System.exit(1);
        }
    }
}
