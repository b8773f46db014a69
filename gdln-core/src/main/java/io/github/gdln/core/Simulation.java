package io.github.gdln.core;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
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
        Params taskParams = registry.params(Kind.TASK, setup.task(), setup.taskParams());
        TaskData data = registry.task(setup.task()).load(taskParams, Seeds.derive(setup.seed(), Seeds.TASK));
        Simulation sim = assemble(registry, setup, data);
        setup.init().apply(sim.network, sim.task, Seeds.stream(setup.seed(), Seeds.INIT));
        return sim;
    }

    /**
     * {@code setup} on the task's {@linkplain Task#preview preview} of its data, for judging the setup before a run
     * (which engine can train it): graph compiled, gating bound, network allocated but not initialised (all
     * parameters zero). Not for training. Call after {@link #check} found no fault.
     *
     * @return the previewed simulation, or empty when the task cannot preview its data without loading it
     */
    public static java.util.Optional<Simulation> preview(Registry registry, Setup setup) {
        Params taskParams = registry.params(Kind.TASK, setup.task(), setup.taskParams());
        return registry.task(setup.task()).preview(taskParams, Seeds.derive(setup.seed(), Seeds.TASK))
                .map(data -> assemble(registry, setup, data));
    }

    /** The simulation of {@code data}: graph compiled, gating bound, network allocated (parameters zero). */
    private static Simulation assemble(Registry registry, Setup setup, TaskData data) {
        BoundTask boundTask = bind(registry, setup, data, new Kind[1]);
        GatedNetwork net = new GatedNetwork(boundTask.graph(), setup.dataType());
        return new Simulation(setup, boundTask.graph(), boundTask, net);
    }

    /**
     * What stops {@code setup} from being prepared, found without loading a dataset or allocating a network: the
     * components' parameters and how task, architecture and gating fit together, as far as the task can
     * {@linkplain Task#preview preview} its data (a task that cannot is only checked for being known).
     *
     * @return the component at fault and the exception it threw, or empty when the setup checks out
     */
    public static java.util.Optional<Fault> check(Registry registry, Setup setup) {
        Kind[] stage = {Kind.TASK};
        try {
            Params taskParams = registry.params(Kind.TASK, setup.task(), setup.taskParams());
            java.util.Optional<TaskData> data = registry.task(setup.task()).preview(taskParams,
                    Seeds.derive(setup.seed(), Seeds.TASK));
            if (data.isPresent()) {
                bind(registry, setup, data.get(), stage);
            }
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of(new Fault(stage[0], e));
        }
    }

    /**
     * Why a setup cannot be prepared.
     *
     * @param component the component whose parameters (or fit with the others) failed
     * @param cause     what it threw; a {@link io.github.gdln.api.ParamException} names the parameter
     */
    public record Fault(Kind component, RuntimeException cause) {
    }

    /** Builds and compiles the graph for {@code data} and binds the gating; {@code stage[0]} tracks the step. */
    private static BoundTask bind(Registry registry, Setup setup, TaskData data, Kind[] stage) {
        stage[0] = Kind.ARCHITECTURE;
        Architecture arch = registry.architecture(setup.architecture());
        Params archParams = registry.params(Kind.ARCHITECTURE, setup.architecture(), setup.architectureParams());
        Graph spec = arch.build(archParams, data);
        CompiledGraph graph = new CompiledGraph(spec);
        stage[0] = Kind.GATING;
        GatingScheme gating = registry.gating(setup.gating());
        Params gatingParams = registry.params(Kind.GATING, setup.gating(), setup.gatingParams());
        GatingScheme.Gating bound = gating.bind(gatingParams, spec, data, Seeds.derive(setup.seed(), Seeds.GATING));
        return new BoundTask(graph, data, bound);
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
