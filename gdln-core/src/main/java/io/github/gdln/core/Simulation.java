package io.github.gdln.core;

import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.Registry.Kind;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.Trainer;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Seeds;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One simulation set up from component names and parameters: the task loaded, the graph compiled, the gating bound
 * and the network initialised, all from one root seed. The entry point for library users:
 *
 * <pre>{@code
 * Simulation sim = Simulation.prepare(Registry.builtIn(), new Simulation.Setup(
 *         "routing", Map.of(), "routing-toy", Map.of(), "routing", Map.of("K", 4),
 *         new InitSpec("aligned", 0.08), DataType.DOUBLE, 1L));
 * Trajectory t = sim.train(TrainerSettings.fullBatch(500, 0.02), p -> {});
 * }</pre>
 */
public final class Simulation {
    /**
     * What to simulate.
     *
     * @param architecture       architecture name
     * @param architectureParams its parameters over its defaults
     * @param task               task name
     * @param taskParams         its parameters over its defaults
     * @param gating             gating scheme name
     * @param gatingParams       its parameters over its defaults
     * @param init               initialisation
     * @param dataType           FLOAT or DOUBLE
     * @param seed               the root seed
     */
    public record Setup(String architecture, Map<String, ?> architectureParams, String task,
                        Map<String, ?> taskParams, String gating, Map<String, ?> gatingParams, InitSpec init,
                        DataType dataType, long seed) {
    }

    private final Setup setup;
    private final CompiledGraph graph;
    private final BoundTask task;
    private final GatedNetwork network;

    private Simulation(Setup setup, CompiledGraph graph, BoundTask task, GatedNetwork network) {
        this.setup = setup;
        this.graph = graph;
        this.task = task;
        this.network = network;
    }

    /** Loads, compiles, binds and initialises everything {@code setup} names. */
    public static Simulation prepare(Registry registry, Setup setup) {
        Bound b = bind(registry, setup);
        GatedNetwork net = new GatedNetwork(b.graph(), setup.dataType());
        setup.init().apply(net, b.task(), Seeds.stream(setup.seed(), Seeds.INIT));
        return new Simulation(setup, b.graph(), b.task(), net);
    }

    /**
     * Checks that {@code setup} can be prepared (the task loads, the graph compiles, the gating binds to them)
     * without allocating or initialising the network: a configuration check before anything runs.
     *
     * @throws SetupException naming the component group that failed and why
     */
    public static void check(Registry registry, Setup setup) {
        bind(registry, setup);
    }

    private record Bound(CompiledGraph graph, BoundTask task) {
    }

    private static Bound bind(Registry registry, Setup setup) {
        TaskData data = stage("task", () -> registry.task(setup.task()).load(
                registry.params(Kind.TASK, setup.task(), setup.taskParams()), Seeds.derive(setup.seed(), Seeds.TASK)));
        Graph spec = stage("model", () -> registry.architecture(setup.architecture()).build(
                registry.params(Kind.ARCHITECTURE, setup.architecture(), setup.architectureParams()), data));
        CompiledGraph graph = stage("model", () -> new CompiledGraph(spec));
        GatingScheme.Gating bound = stage("gating", () -> registry.gating(setup.gating()).bind(
                registry.params(Kind.GATING, setup.gating(), setup.gatingParams()), spec, data,
                Seeds.derive(setup.seed(), Seeds.GATING)));
        BoundTask boundTask = stage("gating", () -> new BoundTask(graph, data, bound));
        return new Bound(graph, boundTask);
    }

    private static <T> T stage(String group, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (SetupException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SetupException(group, e);
        }
    }

    /** A setup that cannot be prepared: the component group at fault ({@code task}, {@code model}, {@code gating}). */
    public static final class SetupException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String group;

        SetupException(String group, IllegalArgumentException cause) {
            super(cause.getMessage(), cause);
            this.group = group;
        }

        /** {@code task}, {@code model} or {@code gating}. */
        public String group() {
            return group;
        }
    }

    /** Trains the network in place and returns what was measured. */
    public Trajectory train(TrainerSettings settings, Trainer.Listener listener) {
        return new Trainer(settings).train(network, task, setup.seed(), listener);
    }

    public Setup setup() {
        return setup;
    }

    public CompiledGraph graph() {
        return graph;
    }

    public BoundTask task() {
        return task;
    }

    public GatedNetwork network() {
        return network;
    }
}
