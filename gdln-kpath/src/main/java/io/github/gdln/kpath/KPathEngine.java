package io.github.gdln.kpath;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.arch.RoutingArchitecture;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import io.github.gdln.core.theory.SingularValues;
import io.github.gdln.core.train.EngineRun;
import io.github.gdln.core.train.EngineSetup;
import io.github.gdln.core.train.EngineState;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.TrainingEngine;
import io.github.gdln.core.train.Trajectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The {@code kpath} engine: trains the k-path routing network (docs/theory.md §4.1) with the fused step of
 * {@link KPathModel}, the same model the generic engine trains, from the same parameters, only faster.
 *
 * <p><b>What it can train</b> ({@link #cannotTrain} lists every mismatch), judged from the setup itself: a graph of M
 * input nodes each with one edge into a hidden node A, one edge A -> B with |A| = |B| = H, and from B one edge to each
 * of M output nodes, nothing else, with a bias on every edge or on none (then the k-path biases stay at zero); a
 * task whose data is {@link RoutingData} (also its test split; its input domain i feeds node {@code in<i>}, output
 * domain j is node {@code out<j>}, as that interface specifies) with the M x M contexts (i, j), where context (i, j)
 * opens exactly input i and output j (node gates; every edge and hidden node open, gates constant); softmax
 * cross-entropy averaged over trained contexts; minibatch SGD (with or without momentum) on the sample gradient;
 * float32 or float64.
 *
 * <p><b>Parameters.</b> The run starts from the setup's network: encoder {@code E_i} is the weight of the edge leaving
 * input i, {@code W} the hidden edge's, {@code F_j} the weight of the edge into output j. The engine's state
 * ({@link EngineState}) is in {@link KPathModel}'s layout.
 *
 * <p><b>Measurements.</b> Every point has the generic columns (loss = mean trained-context loss, per-context losses,
 * accuracies; singular values of tracked edges) over the first {@code eval-train-samples} training samples (0 = all,
 * then they equal the generic engine's), and the extras {@code test_trained_loss, test_untrained_loss,
 * test_trained_accuracy, test_untrained_accuracy} over the first {@code eval-test-samples} test samples and
 * {@code step_loss}, the mean training objective over the epoch's steps (absent at epoch 0).
 */
public final class KPathEngine implements TrainingEngine {
    /** The extra measurements of every point, in column order. */
    public static final List<String> EXTRAS = List.of("test_trained_loss", "test_untrained_loss",
            "test_trained_accuracy", "test_untrained_accuracy", "step_loss");

    @Override
    public String name() {
        return "kpath";
    }

    @Override
    public String description() {
        return "the fused k-path routing step (encoders, one shared hidden layer, decoders; softmax, sgd), two threads";
    }

    @Override
    public int speedRank() {
        return 10;
    }

    /**
     * The k-path shape of a compiled graph: the edge of every input domain, the hidden edge, every decoder, the
     * hidden width, and whether the edges carry biases (all of them or none).
     */
    private record Shape(int[] encoderEdge, int hiddenEdge, int[] decoderEdge, int hidden, boolean biases) {
    }

    @Override
    public List<String> cannotTrain(EngineSetup setup) {
        Simulation sim = setup.simulation();
        List<String> why = new ArrayList<>(cannotTrainWith(setup.trainer(), sim.network().dataType()));
        BoundTask task = sim.task();
        Loss loss = task.loss();
        if (loss.kind() != LossKind.SOFTMAX_CROSS_ENTROPY || !loss.meanOverContexts()) {
            why.add("the loss is " + loss.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + (loss.meanOverContexts() ? "" : " summed over contexts")
                    + ", the k-path loss is softmax cross-entropy averaged over trained contexts");
        }
        TaskData data = task.data();
        if (!(data instanceof RoutingData r)) {
            why.add("the task's data is not routing data (RoutingData)");
            return why;
        }
        if (data.test().isPresent() && !(data.test().get() instanceof RoutingData)) {
            why.add("the task's test split is not routing data");
        }
        shape(sim.graph(), r.domains(), why);
        if (why.isEmpty()) {
            checkGates(task, r.domains(), why);
        }
        return why;
    }

    @Override
    public List<String> cannotTrainWith(TrainerSettings t, DataType type) {
        List<String> why = new ArrayList<>();
        if (t.method() != TrainerSettings.Method.SGD) {
            why.add("trainer.method is " + t.method().name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + ", the k-path step is sgd");
        }
        if (t.gradient() != TrainerSettings.Gradient.SAMPLES) {
            why.add("trainer.gradient is not samples");
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            why.add("precision " + type + " is neither float32 nor float64");
        }
        return why;
    }

    /** The k-path shape of {@code g} with M domains, or null with the reasons added to {@code why}. */
    private static Shape shape(CompiledGraph g, int m, List<String> why) {
        int before = why.size();
        if (g.inputs().length != m || g.outputs().length != m) {
            why.add("the graph has " + g.inputs().length + " inputs and " + g.outputs().length + " outputs, the task "
                    + m + " domains");
        }
        if (g.nodeCount() != 2 * m + 2 || g.edgeCount() != 2 * m + 1) {
            why.add("the graph has " + g.nodeCount() + " nodes and " + g.edgeCount() + " edges, the k-path network "
                    + (2 * m + 2) + " and " + (2 * m + 1));
        }
        if (why.size() > before) {
            return null;
        }
        int[] enc = new int[m];
        int[] dec = new int[m];
        int a = -1;
        for (int i = 0; i < m; i++) {
            if (!g.hasNode(RoutingArchitecture.INPUT + i) || !g.hasNode(RoutingArchitecture.OUTPUT + i)) {
                why.add("the routing data feeds nodes " + RoutingArchitecture.INPUT + "<i> and reads "
                        + RoutingArchitecture.OUTPUT + "<j>, the graph has no " + RoutingArchitecture.INPUT + i
                        + " or " + RoutingArchitecture.OUTPUT + i);
                return null;
            }
        }
        for (int i = 0; i < m; i++) {
            int v = g.nodeIndex(RoutingArchitecture.INPUT + i);
            int[] out = g.outEdges(v);
            if (out.length != 1 || g.inEdges(v).length != 0) {
                why.add("input " + g.node(v).name() + " must have exactly one edge, into the hidden layer");
                return null;
            }
            enc[i] = out[0];
            if (a >= 0 && g.target(enc[i]) != a) {
                why.add("the inputs do not all feed one hidden node");
                return null;
            }
            a = g.target(enc[i]);
        }
        int[] aOut = g.outEdges(a);
        if (aOut.length != 1 || g.inEdges(a).length != m) {
            why.add("hidden node " + g.node(a).name() + " must have the M encoders in and one edge out");
            return null;
        }
        int hiddenEdge = aOut[0];
        int b = g.target(hiddenEdge);
        if (g.width(a) != g.width(b)) {
            why.add("the hidden edge is " + g.width(b) + " x " + g.width(a) + ", the k-path hidden layer is square");
        }
        for (int j = 0; j < m; j++) {
            int v = g.nodeIndex(RoutingArchitecture.OUTPUT + j);
            int[] in = g.inEdges(v);
            if (in.length != 1 || g.source(in[0]) != b || g.outEdges(v).length != 0) {
                why.add("output " + g.node(v).name() + " must have exactly one edge, from " + g.node(b).name());
                return null;
            }
            dec[j] = in[0];
        }
        int withBias = 0;
        for (int e = 0; e < g.edgeCount(); e++) {
            withBias += g.hasBias(e) ? 1 : 0;
        }
        if (withBias != 0 && withBias != g.edgeCount()) {
            why.add(withBias + " of " + g.edgeCount() + " edges carry a bias, the k-path network has biases on every"
                    + " edge or on none");
        }
        return why.size() > before ? null : new Shape(enc, hiddenEdge, dec, g.width(a), withBias != 0);
    }

    /** Context (i, j) must open exactly input i and output j, with constant gates and every edge open. */
    private static void checkGates(BoundTask task, int m, List<String> why) {
        CompiledGraph g = task.graph();
        List<Context> contexts = task.data().contexts();
        if (contexts.size() != m * m) {
            why.add("the task has " + contexts.size() + " contexts, not the " + m + " x " + m + " routes");
            return;
        }
        for (int c = 0; c < contexts.size(); c++) {
            Context ctx = contexts.get(c);
            if (!ctx.coordinates().containsKey("in") || !ctx.coordinates().containsKey("out")) {
                why.add("context " + ctx.name() + " has no in/out coordinates");
                return;
            }
            int i = ctx.coordinate("in");
            int j = ctx.coordinate("out");
            ContextGates gates = task.gates(c);
            for (int e = 0; e < g.edgeCount(); e++) {
                if (!ContextGates.isOpen(gates.edge(e))) {
                    why.add("context " + ctx.name() + " gates edge " + g.edge(e).name());
                    return;
                }
            }
            for (int v = 0; v < g.nodeCount(); v++) {
                String name = g.node(v).name();
                boolean open = g.isInput(v) ? name.equals(RoutingArchitecture.INPUT + i)
                        : !isOutput(g, v) || name.equals(RoutingArchitecture.OUTPUT + j);
                double[] gate = gates.node(v);
                if (open ? !ContextGates.isOpen(gate) : !ContextGates.isClosed(gate)) {
                    why.add("context " + ctx.name() + " must open exactly input " + i + " and output " + j
                            + " (node " + name + ")");
                    return;
                }
            }
        }
    }

    private static boolean isOutput(CompiledGraph g, int v) {
        for (int o : g.outputs()) {
            if (o == v) {
                return true;
            }
        }
        return false;
    }

    @Override
    public EngineRun start(EngineSetup setup) {
        List<String> why = cannotTrain(setup);
        if (!why.isEmpty()) {
            throw new IllegalArgumentException("the kpath engine cannot train this setup: " + String.join("; ", why));
        }
        Threading.check();
        Simulation sim = setup.simulation();
        TaskData data = sim.task().data();
        RoutingData train = (RoutingData) data;
        RoutingData test = (RoutingData) data.test().orElse(null);
        Shape shape = shape(sim.graph(), train.domains(), new ArrayList<>());
        TrainerSettings t = setup.trainer();
        int evalTrain = setup.options().has("eval-train-samples") ? setup.options().getInt("eval-train-samples", 0)
                : 0;
        int evalTest = setup.options().has("eval-test-samples") ? setup.options().getInt("eval-test-samples", 0) : 0;
        int encoderWindow = setup.options().has("encoder-window") ? setup.options().getInt("encoder-window", 0) : 1;
        KPathRun.Settings settings = new KPathRun.Settings(Math.max(1, t.epochs()), shape.hidden(), t.batchSize(),
                1.0, t.learningRate(), t.momentum(), sim.network().dataType(), evalTrain, evalTest, encoderWindow);
        boolean[][] gate = KPathRun.gateMatrix(data, new io.github.gdln.api.GatingScheme.Gating() {
            @Override
            public io.github.gdln.api.Gates gates(int context) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean trained(int context) {
                return sim.task().trained(context);
            }
        });
        KPathRun run = new KPathRun(train, test, gate, settings, sim.setup().seed());
        if (!shape.biases()) {
            run.model().withoutBiases();
        }
        Run r = new Run(run, train, test, shape, sim, t, settings);
        r.loadWeights(sim.network());
        return r;
    }

    /** A k-path training in progress. */
    private static final class Run implements EngineRun {
        private final KPathRun run;
        private final RoutingData train;
        private final RoutingData test;
        private final Shape shape;
        private final Simulation sim;
        private final TrainerSettings trainer;
        private final KPathRun.Settings settings;
        private final int m;
        private OptionalDouble stepLoss = OptionalDouble.empty();

        Run(KPathRun run, RoutingData train, RoutingData test, Shape shape, Simulation sim, TrainerSettings trainer,
            KPathRun.Settings settings) {
            this.run = run;
            this.train = train;
            this.test = test;
            this.shape = shape;
            this.sim = sim;
            this.trainer = trainer;
            this.settings = settings;
            this.m = train.domains();
        }

        /** Copies the network's weights and biases into the model (encoders into the folded frame when folded). */
        void loadWeights(GatedNetwork net) {
            DataType t = run.model().parameters().dataType();
            for (int e = 0; e < sim.graph().edgeCount(); e++) {
                INDArray w = net.weight(e).castTo(t);
                int i = indexOf(shape.encoderEdge(), e);
                if (i >= 0 && run.folded()) {
                    run.model().setEncoderFromDomainFrame(i, w, train.permutation(i).orElseThrow());
                } else {
                    modelWeight(e).assign(w);
                }
                if (shape.biases()) {
                    modelBias(e).assign(net.bias(e).reshape(net.bias(e).length()).castTo(t));
                }
            }
        }

        /**
         * The model's matrix of edge e: a live view, except for a folded encoder, which is returned in the network's
         * (the domain's) frame as a copy.
         */
        private INDArray modelWeight(int e) {
            KPathModel model = run.model();
            if (e == shape.hiddenEdge()) {
                return model.hiddenWeights();
            }
            int i = indexOf(shape.encoderEdge(), e);
            if (i >= 0) {
                return run.folded() ? model.encoderInDomainFrame(i, train.permutation(i).orElseThrow())
                        : model.encoder(i);
            }
            int j = indexOf(shape.decoderEdge(), e);
            int c = train.classes();
            return model.decoders().get(NDArrayIndex.interval(j * c, (j + 1) * c), NDArrayIndex.all());
        }

        /** The model's bias of edge e, a live 1-D view. */
        private INDArray modelBias(int e) {
            KPathModel model = run.model();
            if (e == shape.hiddenEdge()) {
                return model.hiddenBias();
            }
            int i = indexOf(shape.encoderEdge(), e);
            int h = shape.hidden();
            if (i >= 0) {
                return model.encoderBiases().get(NDArrayIndex.interval(i * h, (i + 1) * h));
            }
            int j = indexOf(shape.decoderEdge(), e);
            int c = train.classes();
            return model.decoderBiases().get(NDArrayIndex.interval(j * c, (j + 1) * c));
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "engine: kpath (M=%d, D=%d, H=%d, C=%d, %d trained of %d pathways,"
                            + " %d training samples%s, batch %d, %s%s, %s)", m, train.inputWidth(), shape.hidden(),
                    train.classes(), run.model().trainedPairs(), m * m, ((TaskData) train).sampleCount(),
                    test == null ? "" : ", " + ((TaskData) test).sampleCount() + " test", settings.batchSize(),
                    settings.dataType() == DataType.FLOAT ? "float32" : "float64",
                    run.folded() ? ", permutations folded into the encoders" : "",
                    run.encoderWindow() > 1 ? "deferred encoder update every " + run.encoderWindow() + " steps"
                    : "plain step");
        }

        @Override
        public Map<String, Object> facts() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("encoder-window", run.encoderWindow());
            f.put("eval_train_samples", settings.evalTrainSamples());
            f.put("eval_test_samples", settings.evalTestSamples());
            return f;
        }

        @Override
        public int epoch() {
            return run.epochsDone();
        }

        @Override
        public void trainEpoch() {
            stepLoss = OptionalDouble.of(run.trainEpoch());
        }

        @Override
        public Trajectory.Point measure() {
            PairStats stats = run.pairStats(train, settings.evalTrainSamples());
            boolean[][] gate = run.gate();
            Metrics mt = stats.metrics(gate);
            List<Context> contexts = ((TaskData) train).contexts();
            double[] perContext = new double[contexts.size()];
            for (int c = 0; c < perContext.length; c++) {
                perContext[c] = stats.meanLoss(contexts.get(c).coordinate("in"), contexts.get(c).coordinate("out"))
                        .orElse(Double.NaN);
            }
            double trainedLoss = mt.trainedLoss().orElse(Double.NaN);
            if (!Double.isFinite(trainedLoss)) {
                throw new io.github.gdln.core.train.DivergenceException("k-path training diverged: the loss is "
                        + trainedLoss + " at epoch " + epoch() + " (learning-rate " + trainer.learningRate() + ")");
            }
            Map<String, Double> extras = new LinkedHashMap<>();
            if (test != null) {
                Metrics me = run.measure(test, settings.evalTestSamples());
                put(extras, "test_trained_loss", me.trainedLoss());
                put(extras, "test_untrained_loss", me.untrainedLoss());
                put(extras, "test_trained_accuracy", me.trainedAccuracy());
                put(extras, "test_untrained_accuracy", me.untrainedAccuracy());
            }
            put(extras, "step_loss", epoch() == 0 ? OptionalDouble.empty() : stepLoss);
            return new Trajectory.Point(epoch(), trainedLoss, trainedLoss, mt.untrainedLoss(), mt.trainedAccuracy(),
                    mt.untrainedAccuracy(), perContext, singularValues(), extras);
        }

        private static void put(Map<String, Double> extras, String name, OptionalDouble v) {
            if (v.isPresent()) {
                extras.put(name, v.getAsDouble());
            }
        }

        /** Leading singular values of the tracked edges, from the model's matrices in the network's frame. */
        private Map<String, double[]> singularValues() {
            Map<String, double[]> sv = new LinkedHashMap<>();
            for (String name : trainer.trackedEdges()) {
                INDArray w = modelWeight(sim.graph().edgeIndex(name));
                sv.put(name, SingularValues.leading(w.castTo(DataType.DOUBLE).toDoubleMatrix(),
                        trainer.singularValues()));
            }
            return sv;
        }

        private static int indexOf(int[] a, int v) {
            for (int k = 0; k < a.length; k++) {
                if (a[k] == v) {
                    return k;
                }
            }
            return -1;
        }

        @Override
        public List<String> extraMeasures() {
            return test == null ? List.of("step_loss") : EXTRAS;
        }

        @Override
        public void copyToNetwork() {
            GatedNetwork net = sim.network();
            for (int e = 0; e < sim.graph().edgeCount(); e++) {
                net.weight(e).assign(modelWeight(e).castTo(net.dataType()));
                if (shape.biases()) {
                    net.bias(e).assign(modelBias(e).reshape(net.bias(e).shape()).castTo(net.dataType()));
                }
            }
        }

        @Override
        public EngineState state() {
            KPathModel model = run.model();
            return new EngineState(run.epochsDone(), model.parameters().castTo(DataType.DOUBLE).toDoubleVector(),
                    model.momenta().castTo(DataType.DOUBLE).toDoubleVector());
        }

        @Override
        public void restore(EngineState state) {
            run.restore(state.epoch(), state.parameters(), state.momentum());
            stepLoss = OptionalDouble.empty();
        }
    }
}
