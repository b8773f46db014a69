package io.github.gdln.core;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.theory.NeuralRaceReduction;
import io.github.gdln.core.theory.ReductionAssessment;
import io.github.gdln.core.theory.TrajectoryComparison;
import io.github.gdln.core.train.Trainer;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The library's front door: build a gated network, give it data and contexts, train it, and get the trajectory,
 * the neural race reduction's prediction of it and the comparison of the two, in a few fluent calls and without
 * an ND4J type:
 *
 * <pre>{@code
 * Gdln.Result r = Gdln.network()
 *         .input("x", 3).hidden("a", 4).hidden("b", 4).output("y", 3)
 *         .path("x", "a", "y").path("x", "b", "y")          // edges x->a, a->y, x->b, b->y
 *         .data(inputs, targets)                            // rows are samples; squared error
 *         .context("a only", "b").context("both")           // context name, then the nodes it closes
 *         .alignedStart(0.05).fullBatch(400, 0.1).track("a->y", "b->y")
 *         .train();
 * r.trajectory(); r.prediction(); r.comparison();
 * }</pre>
 *
 * <p>What runs underneath is the rest of gdln-core: the graph is compiled and validated ({@code graph}), the
 * contexts bound ({@code engine.BoundTask}), the network initialised from the {@code init} stream of the seed and
 * trained by {@link Trainer}; the prediction is {@link NeuralRaceReduction} of the network as initialised, when its
 * assessment holds. For registered tasks, architectures and gating schemes (and plugins) see {@link Simulation} and
 * {@link Registry}.
 */
public final class Gdln {
    private Gdln() {
    }

    /** Starts a network description. */
    public static Network network() {
        return new Network();
    }

    /** A gated network's graph: nodes (input, hidden, output) and edges, named edge {@code from->to}. */
    public static final class Network {
        private final List<Node> nodes = new ArrayList<>();
        private final List<Edge> edges = new ArrayList<>();
        private final List<String> inputs = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();

        private Network() {
        }

        /** An input node of {@code width} units. */
        public Network input(String name, int width) {
            inputs.add(name);
            return hidden(name, width);
        }

        /** A hidden node of {@code width} units. */
        public Network hidden(String name, int width) {
            nodes.add(new Node(name, width));
            return this;
        }

        /** An output node of {@code width} units. */
        public Network output(String name, int width) {
            outputs.add(name);
            return hidden(name, width);
        }

        /** An edge (a weight matrix) from {@code from} to {@code to}, named {@code from->to}. */
        public Network edge(String from, String to) {
            edges.add(new Edge(from + "->" + to, from, to));
            return this;
        }

        /** The edges along {@code nodes}: {@code path("x", "a", "y")} adds x->a and a->y. */
        public Network path(String... nodes) {
            for (int i = 1; i < nodes.length; i++) {
                edge(nodes[i - 1], nodes[i]);
            }
            return this;
        }

        /**
         * The samples, with squared-error loss ½ ||y − ŷ||² averaged over samples: {@code inputs[s]} feeds the
         * one input node, {@code targets[s]} is the one output node's target.
         */
        public Setup data(double[][] inputs, double[][] targets) {
            if (this.inputs.size() != 1 || outputs.size() != 1) {
                throw new IllegalStateException("data(inputs, targets) needs exactly one input and one output node;"
                        + " the network has inputs " + this.inputs + " and outputs " + outputs);
            }
            return new Setup(new Graph(nodes, edges, inputs(), outputs()), Map.of(this.inputs.get(0), inputs),
                    Map.of(outputs.get(0), targets));
        }

        private List<String> inputs() {
            return List.copyOf(inputs);
        }

        private List<String> outputs() {
            return List.copyOf(outputs);
        }
    }

    /** A network with data: contexts, start, training and what to track. */
    public static final class Setup {
        private final Graph graph;
        private final Map<String, double[][]> inputs;
        private final Map<String, double[][]> targets;
        private final List<Context> contexts = new ArrayList<>();
        private final List<Gates> gates = new ArrayList<>();
        private final List<Boolean> trained = new ArrayList<>();
        private InitSpec init = new InitSpec("aligned", 0.05);
        private long seed = 1;
        private TrainerSettings trainer = TrainerSettings.fullBatch(100, 0.1);
        private DataType precision = DataType.DOUBLE;

        private Setup(Graph graph, Map<String, double[][]> inputs, Map<String, double[][]> targets) {
            this.graph = graph;
            this.inputs = inputs;
            this.targets = targets;
        }

        /** A trained context that closes {@code closedNodes} (none: the whole network is open). */
        public Setup context(String name, String... closedNodes) {
            return addContext(name, true, closedNodes);
        }

        /** A context that is measured but not trained (held out), closing {@code closedNodes}. */
        public Setup heldOutContext(String name, String... closedNodes) {
            return addContext(name, false, closedNodes);
        }

        private Setup addContext(String name, boolean train, String... closedNodes) {
            contexts.add(new Context(name, Map.of()));
            gates.add(closedNodes.length == 0 ? Gates.open() : Gates.closing(Arrays.asList(closedNodes)));
            trained.add(train);
            return this;
        }

        /** The decoupled start of the race reduction with initial strength {@code b0} (the default, 0.05). */
        public Setup alignedStart(double b0) {
            return start(new InitSpec("aligned", b0));
        }

        /** Another start: {@code orthogonal}, {@code gaussian}, {@code xavier}, {@code zero} or {@code aligned}. */
        public Setup start(String scheme, double scale) {
            return start(new InitSpec(scheme, scale));
        }

        private Setup start(InitSpec spec) {
            this.init = spec;
            return this;
        }

        /** The root seed of the start and the batching (default 1). */
        public Setup seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Full-batch gradient descent, measured every epoch (the default: 100 epochs at 0.1). */
        public Setup fullBatch(int epochs, double learningRate) {
            return trainer(TrainerSettings.fullBatch(epochs, learningRate));
        }

        /** Continuous gradient flow over {@code epochs} (time in epochs of descent at {@code learningRate}). */
        public Setup gradientFlow(int epochs, double learningRate) {
            return trainer(new TrainerSettings(TrainerSettings.Method.GRADIENT_FLOW, epochs, learningRate, 0, 1, 1,
                    1e-8, List.of(), 0));
        }

        /** Any trainer (SGD with momentum, measurement interval...); tracked edges set by {@link #track} stay. */
        public Setup trainer(TrainerSettings settings) {
            this.trainer = settings.tracking(trainer.trackedEdges(), trainer.singularValues());
            return this;
        }

        /** Record the leading singular values (up to 4) of these edges at every measurement. */
        public Setup track(String... edges) {
            this.trainer = trainer.tracking(List.of(edges), 4);
            return this;
        }

        /** Compute in float32 instead of float64. */
        public Setup singlePrecision() {
            this.precision = DataType.FLOAT;
            return this;
        }

        /** Trains, and predicts the same trajectory by the neural race reduction when its assumptions hold. */
        public Result train() {
            if (contexts.isEmpty()) {
                context("all");
            }
            CompiledGraph compiled = new CompiledGraph(graph);
            List<Gates> g = List.copyOf(gates);
            List<Boolean> t = List.copyOf(trained);
            BoundTask task = new BoundTask(compiled, new InMemoryTaskData(inputs, targets, contexts,
                    Loss.halfSquaredError()), new GatingScheme.Gating() {
                        @Override
                        public Gates gates(int context) {
                            return g.get(context);
                        }

                        @Override
                        public boolean trained(int context) {
                            return t.get(context);
                        }
                    });
            GatedNetwork net = new GatedNetwork(compiled, precision);
            init.apply(net, task, Seeds.stream(seed, Seeds.INIT));
            ReductionAssessment assessment = NeuralRaceReduction.assess(task, net);
            Optional<Trajectory> prediction = assessment.holds() && trainer.method() != TrainerSettings.Method.SGD
                    ? Optional.of(NeuralRaceReduction.reduce(task, net).predict(trainer).trajectory())
                    : Optional.empty();
            Trajectory trajectory = new Trainer(trainer).train(net, task, seed, p -> { });
            return new Result(trajectory, prediction, assessment, net);
        }
    }

    /** What training gave: the measured trajectory, the theory's prediction of it and their comparison. */
    public static final class Result {
        private final Trajectory trajectory;
        private final Optional<Trajectory> prediction;
        private final ReductionAssessment assessment;
        private final GatedNetwork network;

        private Result(Trajectory trajectory, Optional<Trajectory> prediction, ReductionAssessment assessment,
                       GatedNetwork network) {
            this.trajectory = trajectory;
            this.prediction = prediction;
            this.assessment = assessment;
            this.network = network;
        }

        /** What was measured: loss, per-context losses, tracked singular values, by epoch. */
        public Trajectory trajectory() {
            return trajectory;
        }

        /**
         * The neural race reduction's trajectory for the same training, when the reduction applies (squared error,
         * shared singular vectors, whitened or shared input statistics, an aligned start; full-batch descent or
         * gradient flow); {@link #assessment} says why not otherwise.
         */
        public Optional<Trajectory> prediction() {
            return prediction;
        }

        /** Each assumption of the reduction with its measured misalignment, at the start. */
        public ReductionAssessment assessment() {
            return assessment;
        }

        /** Theory against simulation (max and mean deviations of loss and singular values), when predicted. */
        public Optional<TrajectoryComparison> comparison() {
            return prediction.map(p -> TrajectoryComparison.of(p, trajectory));
        }

        /** The trained weight of {@code edge} (e.g. {@code "a->y"}), rows = target units. */
        public double[][] weight(String edge) {
            return network.weightMatrix(network.graph().edgeIndex(edge));
        }
    }
}
