package io.github.gdln.kpath;

import io.github.gdln.api.Context;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Params;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.gating.TrainedPairs;
import io.github.gdln.core.train.DivergenceException;
import io.github.gdln.core.util.Finite;
import io.github.gdln.core.util.Seeds;
import io.github.gdln.core.util.Shuffle;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A full k-path training (docs/theory.md §4.1) of a {@link RoutingData} task with the fused {@link KPathModel} step:
 * epochs of SGD with momentum over shuffled batches of base images (each batch trains every trained pathway at
 * once), then per-epoch accuracy and loss on trained and on untrained pathways, on the training split and on the
 * test split.
 *
 * <p>When every input domain is a pixel permutation ({@link RoutingData#permutation} present for all domains) the
 * permutations are folded into the encoders ({@link KPathModel#train}): the model sees base images only, which is
 * exact because a permutation is orthogonal and Xavier-uniform initialisation is invariant under it. Otherwise
 * (rotations, features) every batch is transformed per domain and trained with {@link KPathModel#trainPerDomain}.
 *
 * <p>Random streams come from the run's root seed ({@link Seeds}): {@code init} for the weights, {@code batching}
 * (mixed with the epoch number, like the generic {@code Trainer}) for the order of samples in each epoch, so the
 * batches of epoch e depend only on the seed and e. {@link #restore} puts a run back at an epoch boundary
 * (parameters and momenta from {@link KPathModel#parameters()} / {@link KPathModel#momenta()}, e.g. from a
 * checkpoint); it then continues exactly as the uninterrupted run would have. Metrics are {@link Metrics}: a group with no pathway (the untrained group
 * when K = M) is empty, never NaN.
 *
 * <p><b>Divergence.</b> The run stops with a {@link DivergenceException} (naming epoch, step, learning rate and
 * gain) when a step's training loss is not finite, or when a parameter is not finite after an epoch's last step
 * (checked once per epoch, one pass over the parameters). The loss is computed stably
 * ({@code util.SoftmaxCrossEntropy}), so it is finite for any finite logits however far apart (the paper's gain 10
 * puts them thousands apart): it is non-finite only when the parameters or activations are, i.e. the gradient
 * step really blew up. There is no other bound: a large but finite loss is reported, not treated as divergence.
 */
public final class KPathRun {

    /**
     * Hyper-parameters of a run. {@link #from} reads them from {@link Params} (the routing plugins keep defaults for
     * their own tests under {@code gdln.trainer.kpath}); the gdln application maps its {@code trainer.*} keys.
     *
     * @param epochs           {@code epochs}: passes over the training split (&gt;= 1)
     * @param hidden           {@code hidden-width}: H, encoder output and shared hidden width
     * @param batchSize        {@code batch-size}: base images per step (the paper's "batch size per task", 8)
     * @param gain             {@code gain}: Xavier-uniform gain of every weight matrix (biases start at 0)
     * @param learningRate     {@code learning-rate}
     * @param momentum         {@code momentum} (PyTorch semantics)
     * @param dataType         {@code precision}: {@code float32} (FLOAT) or {@code float64} (DOUBLE)
     * @param evalTrainSamples {@code eval-train-samples}: training images evaluated per epoch (first n), 0 = all
     * @param evalTestSamples  {@code eval-test-samples}: test images evaluated per epoch (first n), 0 = all
     * @param encoderWindow    {@code encoder-window}: steps per deferred encoder update ({@link KPathModel#trainWindow}),
     *                         1 = the plain step, 0 = {@code auto} (see {@link KPathRun#encoderWindow()})
     */
    public record Settings(int epochs, int hidden, int batchSize, double gain, double learningRate, double momentum,
                           DataType dataType, int evalTrainSamples, int evalTestSamples, int encoderWindow) {

        /** Validates the values, naming the key. */
        public Settings {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (encoderWindow < 0) {
                throw new IllegalArgumentException("encoder-window must be auto (0) or >= 1, got " + encoderWindow);
            }
            if (evalTrainSamples < 0 || evalTestSamples < 0) {
                throw new IllegalArgumentException("eval-train-samples and eval-test-samples must be >= 0 (0 = all),"
                        + " got " + evalTrainSamples + " and " + evalTestSamples);
            }
            Objects.requireNonNull(dataType, "dataType");
        }

        /** Settings with {@code encoder-window = auto}. */
        public Settings(int epochs, int hidden, int batchSize, double gain, double learningRate, double momentum,
                        DataType dataType, int evalTrainSamples, int evalTestSamples) {
            this(epochs, hidden, batchSize, gain, learningRate, momentum, dataType, evalTrainSamples, evalTestSamples,
                    0);
        }

        /** A copy with another {@code encoder-window} (0 = auto, 1 = plain step). */
        public Settings withEncoderWindow(int window) {
            return new Settings(epochs, hidden, batchSize, gain, learningRate, momentum, dataType, evalTrainSamples,
                    evalTestSamples, window);
        }

        /** Parses {@code encoder-window}: {@code auto} (0) or a number of steps >= 1. */
        public static int encoderWindow(String value, String owner) {
            if (value.equalsIgnoreCase("auto")) {
                return 0;
            }
            try {
                int w = Integer.parseInt(value.trim());
                if (w >= 1) {
                    return w;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(owner + ": parameter 'encoder-window' = " + value
                    + " is not auto or a number of steps >= 1");
        }

        /**
         * Reads {@code epochs, hidden-width, batch-size, gain, learning-rate, momentum, precision,
         * eval-train-samples, eval-test-samples} (all required: merge the defaults first) and the optional
         * {@code encoder-window} (default auto); reports every problem.
         */
        public static Settings from(Params p) {
            List<String> problems = new ArrayList<>();
            int epochs = read(problems, () -> p.getInt("epochs", 1));
            int hidden = read(problems, () -> p.getInt("hidden-width", 1));
            int batch = read(problems, () -> p.getInt("batch-size", 1));
            int evalTrain = read(problems, () -> p.getInt("eval-train-samples", 0));
            int evalTest = read(problems, () -> p.getInt("eval-test-samples", 0));
            double[] num = new double[3];
            String[] keys = {"gain", "learning-rate", "momentum"};
            for (int k = 0; k < keys.length; k++) {
                try {
                    num[k] = p.getDouble(keys[k]);
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            DataType type = DataType.FLOAT;
            try {
                type = precision(p.getString("precision"), p.owner());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            int window = 0;
            if (p.has("encoder-window")) {
                try {
                    window = encoderWindow(String.valueOf(p.values().get("encoder-window")), p.owner());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            fail(problems);
            return new Settings(epochs, hidden, batch, num[0], num[1], num[2], type, evalTrain, evalTest, window);
        }

        /** Parses {@code float32} / {@code float64}. */
        public static DataType precision(String value, String owner) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "float32", "float" -> DataType.FLOAT;
                case "float64", "double" -> DataType.DOUBLE;
                default -> throw new IllegalArgumentException(owner + ": parameter 'precision' = " + value
                        + " is not one of float32, float64");
            };
        }

        /** The paper's setting (docs/theory.md §4.1): batch 8, lr 1e-4, momentum 0.9, float32, full evaluation. */
        public static Settings paper(int epochs, int hidden, double gain) {
            return new Settings(epochs, hidden, 8, gain, 1e-4, 0.9, DataType.FLOAT, 0, 0);
        }
    }

    /**
     * Metrics after one epoch.
     *
     * @param epoch         1-based epoch number
     * @param trainingLoss  mean over the epoch's steps of the training objective (mean loss over trained pathways)
     * @param train         accuracy and loss on trained / untrained pathways over the evaluated training images
     * @param test          the same on the test split, when the task has one
     * @param seconds       wall time of the epoch's training steps (without evaluation)
     * @param images        base images trained on in the epoch
     * @param evalSeconds   wall time of the epoch's evaluation (all M² pathways on the measured training images and
     *                      the test split)
     */
    public record EpochMetrics(int epoch, double trainingLoss, Metrics train, Optional<Metrics> test, double seconds,
                               long images, double evalSeconds) {
        /** Training throughput of the epoch, base images per second. */
        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }

        /** Evaluation time as a fraction of training time. */
        public double evaluationShare() {
            return seconds > 0 ? evalSeconds / seconds : 0;
        }
    }

    private final RoutingData train;
    private final RoutingData test;
    private final boolean[][] gate;
    private final Settings settings;
    private final KPathModel model;
    private final long rootSeed;
    private final boolean folded;
    private final int m;
    private final int d;
    private final Map<Integer, INDArray> batchBuffers = new HashMap<>();
    private final int encoderWindow;
    private int epochsDone;

    /**
     * Prepares a run.
     *
     * @param train    the training split
     * @param test     the test split, or null
     * @param gate     M x M trained pathways ({@link #gateMatrix} or {@link #routingGate})
     * @param settings hyper-parameters
     * @param rootSeed the run's root seed ({@code init} and {@code batching} streams are derived from it)
     */
    public KPathRun(RoutingData train, RoutingData test, boolean[][] gate, Settings settings, long rootSeed) {
        this.train = Objects.requireNonNull(train, "train");
        this.test = test;
        this.settings = Objects.requireNonNull(settings, "settings");
        m = train.domains();
        d = train.inputWidth();
        if (test != null && (test.domains() != m || test.inputWidth() != d || test.classes() != train.classes())) {
            throw new IllegalArgumentException("test split has M=" + test.domains() + ", D=" + test.inputWidth()
                    + ", C=" + test.classes() + " but the training split has M=" + m + ", D=" + d + ", C="
                    + train.classes());
        }
        int[][] maps = new int[m][];
        boolean allPermutations = true;
        for (int j = 0; j < m; j++) {
            maps[j] = train.relabeling(j);
            allPermutations &= train.permutation(j).isPresent();
        }
        folded = allPermutations;
        this.gate = gate;
        KPathConfig cfg = new KPathConfig(m, d, settings.hidden(), train.classes(), settings.batchSize(),
                settings.dataType(), settings.gain(), settings.learningRate(), settings.momentum(),
                Seeds.derive(rootSeed, Seeds.INIT));
        model = new KPathModel(cfg, gate, maps);
        this.rootSeed = rootSeed;
        encoderWindow = resolveWindow(settings.encoderWindow(), cfg);
    }

    /** Steps per deferred encoder update when {@code encoder-window = auto} and the deferred step pays. */
    public static final int DEFAULT_ENCODER_WINDOW = 16;

    /**
     * Encoder weights and momenta (bytes, together) from which {@code auto} uses the deferred step: below, they stay
     * in the last-level cache (32 MiB on the benchmark machine, shared) and the plain step is not bound by memory.
     */
    static final long AUTO_MIN_ENCODER_BYTES = 16L << 20;

    private static int resolveWindow(int requested, KPathConfig cfg) {
        if (requested != 0) {
            return requested;
        }
        long bytes = 2L * cfg.domains() * cfg.hidden() * cfg.inputDim() * (cfg.dataType() == DataType.FLOAT ? 4 : 8);
        return bytes >= AUTO_MIN_ENCODER_BYTES ? DEFAULT_ENCODER_WINDOW : 1;
    }

    /** Sample count of a {@link RoutingData} (it is also a {@link TaskData}, or else has no count). */
    private static int count(RoutingData data) {
        if (data instanceof TaskData t) {
            return t.sampleCount();
        }
        throw new IllegalArgumentException("routing data " + data + " must also be a TaskData");
    }

    /**
     * The M x M trained-pathway matrix of a bound gating scheme: G[i][j] is whether context i->j (coordinates
     * {@code in}, {@code out}) is trained.
     */
    public static boolean[][] gateMatrix(TaskData data, GatingScheme.Gating gating) {
        if (!(data instanceof RoutingData r)) {
            throw new IllegalArgumentException("task data " + data + " is not routing data");
        }
        int m = r.domains();
        boolean[][] g = new boolean[m][m];
        List<Context> cs = data.contexts();
        for (int c = 0; c < cs.size(); c++) {
            g[cs.get(c).coordinate("in")][cs.get(c).coordinate("out")] = gating.trained(c);
        }
        return g;
    }

    /**
     * The trained-pathway matrix of the routing gating scheme (docs/theory.md §3.2, §4.1) without binding it to a
     * graph: {@code mode} K_plus_mod, plus_minus_mod, mod or fully_connected, columns permuted with the {@code gating}
     * stream of {@code rootSeed} when {@code permute} (the reference's {@code K_plus_mod_permute}).
     */
    public static boolean[][] routingGate(String mode, int k, boolean permute, int m, long rootSeed) {
        boolean[][] g = TrainedPairs.matrix(TrainedPairs.Mode.parse(mode, "gating routing"), m, k);
        return permute ? TrainedPairs.permuteColumns(g, Seeds.stream(rootSeed, Seeds.GATING)) : g;
    }

    /** The model (live). */
    public KPathModel model() {
        return model;
    }

    /** Whether the permutation domains are folded into the encoders (one gemm, no per-domain transform). */
    public boolean folded() {
        return folded;
    }

    /**
     * Steps per encoder update: 1 = the plain step ({@link KPathModel#train} / {@code trainPerDomain}), w > 1 = the
     * deferred update over windows of w full batches ({@link KPathModel#trainWindow}, or
     * {@link KPathModel#trainWindowPerDomain} for per-domain inputs such as rotations; an epoch's last window is
     * shorter, so windows never span an epoch boundary and a checkpoint is always at a window's end). {@code auto}
     * picks {@link #DEFAULT_ENCODER_WINDOW} when the encoder weights and momenta take at least 16 MiB (the plain step
     * is then bound by memory traffic), else 1.
     */
    public int encoderWindow() {
        return encoderWindow;
    }

    /** Epochs trained so far. */
    public int epochsDone() {
        return epochsDone;
    }

    /** The trained-pathway matrix (a copy). */
    public boolean[][] gate() {
        return model.gate();
    }

    /**
     * Puts the run back at the end of epoch {@code epochs}: parameters and momenta as flat arrays in the layout of
     * {@link KPathModel#parameters()} (a checkpoint).
     */
    public void restore(int epochs, double[] parameters, double[] momenta) {
        long n = model.parameters().length();
        if (parameters.length != n || momenta.length != n) {
            throw new IllegalArgumentException("the checkpoint holds " + parameters.length + " parameters and "
                    + momenta.length + " momenta but the k-path model has " + n);
        }
        if (epochs < 0 || epochs > settings.epochs()) {
            throw new IllegalArgumentException("cannot restore at epoch " + epochs + " of " + settings.epochs());
        }
        DataType t = model.parameters().dataType();
        model.parameters().assign(Nd4j.create(parameters, new long[] {1, n}, DataType.DOUBLE).castTo(t)
                .reshape(model.parameters().shape()));
        model.momenta().assign(Nd4j.create(momenta, new long[] {1, n}, DataType.DOUBLE).castTo(t)
                .reshape(model.momenta().shape()));
        epochsDone = epochs;
    }

    /** Runs all epochs; {@code listener} gets each epoch's metrics as soon as they are measured. */
    public List<EpochMetrics> run(Consumer<EpochMetrics> listener) {
        List<EpochMetrics> out = new ArrayList<>();
        while (epochsDone < settings.epochs()) {
            EpochMetrics e = epoch();
            out.add(e);
            if (listener != null) {
                listener.accept(e);
            }
        }
        return out;
    }

    /** Runs one more epoch and measures it. */
    public EpochMetrics epoch() {
        long start = System.nanoTime();
        double loss = trainEpoch();
        double seconds = (System.nanoTime() - start) / 1e9;
        long trained = System.nanoTime();
        Metrics trainMetrics = measure(train, settings.evalTrainSamples());
        Optional<Metrics> testMetrics = test == null ? Optional.empty()
                : Optional.of(measure(test, settings.evalTestSamples()));
        return new EpochMetrics(epochsDone, loss, trainMetrics, testMetrics, seconds, count(train),
                (System.nanoTime() - trained) / 1e9);
    }

    /** Trains one more epoch and returns the mean training objective over its steps. */
    public double trainEpoch() {
        int n = count(train);
        // the one batch-order rule of every engine: a run restored at an epoch boundary continues exactly as an
        // uninterrupted one
        int[] order = Shuffle.epochOrder(rootSeed, epochsDone + 1, n);
        int b = settings.batchSize();
        double lossSum = 0;
        int steps = 0;
        int fullSteps = encoderWindow > 1 ? n / b : 0;
        for (int k0 = 0; k0 < fullSteps; k0 += encoderWindow) {
            int w = Math.min(encoderWindow, fullSteps - k0);
            int[] batch = java.util.Arrays.copyOfRange(order, k0 * b, (k0 + w) * b);
            INDArray xs = batchInputs(train, batch);
            int[] labels = train.labels(batch);
            for (double loss : folded ? model.trainWindow(xs, labels, w) : model.trainWindowPerDomain(xs, labels, w)) {
                lossSum += checkedLoss(loss, steps++);
            }
        }
        for (int s0 = fullSteps * b; s0 < n; s0 += b) {
            int[] batch = java.util.Arrays.copyOfRange(order, s0, Math.min(n, s0 + b));
            int[] labels = train.labels(batch);
            INDArray x = batchInputs(train, batch);
            lossSum += checkedLoss(folded ? model.train(x, labels) : model.trainPerDomain(x, labels), steps++);
        }
        if (Finite.firstNonFinite(model.parameters()) >= 0) {
            throw new DivergenceException("k-path training diverged in epoch " + (epochsDone + 1) + ": a parameter"
                    + " is not finite after the epoch's last step (learning-rate " + settings.learningRate()
                    + ", gain " + settings.gain() + ")");
        }
        epochsDone++;
        return lossSum / steps;
    }

    private double checkedLoss(double loss, int step) {
        if (!Double.isFinite(loss)) {
            throw new DivergenceException("k-path training diverged in epoch " + (epochsDone + 1) + ", step "
                    + step + ": loss " + loss + " (learning-rate " + settings.learningRate() + ", gain "
                    + settings.gain() + ")");
        }
        return loss;
    }

    /** Accuracy and loss on trained and untrained pathways over the first {@code limit} images (0 = all). */
    public Metrics measure(RoutingData data, int limit) {
        return pairStats(data, limit).metrics(gate);
    }

    /** Per-pathway loss sums and correct counts over the first {@code limit} images of {@code data} (0 = all). */
    public PairStats pairStats(RoutingData data, int limit) {
        int n = count(data);
        if (limit > 0) {
            n = Math.min(n, limit);
        }
        PairStats stats = new PairStats(m);
        long perImage = folded ? d : (long) m * d;
        int chunk = (int) Math.max(1, Math.min(n, 4_000_000L / perImage));
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int cn = Math.min(chunk, n - s0);
            int[] samples = new int[cn];
            for (int s = 0; s < cn; s++) {
                samples[s] = s0 + s;
            }
            int[] labels = data.labels(samples);
            INDArray x = batchInputs(data, samples);
            stats.add(folded ? model.evaluate(x, labels) : model.evaluatePerDomain(x, labels));
        }
        return stats;
    }

    /**
     * [b x D] base inputs (folded) or [M*b x D] per-domain inputs, in the model's data type, in a buffer kept per
     * sample count and overwritten by the next call with as many samples (steps, windows and evaluation chunks all
     * reuse theirs: a per-domain evaluation chunk is 16 MB at M = 40).
     */
    private INDArray batchInputs(RoutingData data, int[] samples) {
        int b = samples.length;
        int rows = folded ? b : m * b;
        INDArray x = batchBuffers.computeIfAbsent(b, k -> Nd4j.create(settings.dataType(), rows, d));
        if (folded) {
            float[] buf = new float[b * d];
            data.baseInputs(samples, buf);
            put(x, buf, 0);
        } else {
            // the M domains' transforms (a rotation costs ~1 us per image: 0.33 ms per step at M = 40,
            // KernelBenchmark.rotateStep) in two halves of the domains on the step's threads; each domain's rows are
            // written by one thread
            int[] halves = BlockPool.split(m, BlockPool.BLOCKS, 1);
            model.runBlocks(halves.length - 1, t -> {
                float[] one = new float[b * d];
                for (int i = halves[t]; i < halves[t + 1]; i++) {
                    data.domainInputs(i, samples, one);
                    put(x, one, i * b * d);
                }
            });
        }
        return x;
    }

    /** Writes {@code values} into x's elements from {@code offset} on, in x's data type. */
    private void put(INDArray x, float[] values, int offset) {
        if (settings.dataType() == DataType.FLOAT) {
            x.data().asNioFloat().put(offset, values, 0, values.length);
        } else {
            DoubleBuffer db = x.data().asNioDouble();
            for (int k = 0; k < values.length; k++) {
                db.put(offset + k, values[k]);
            }
        }
    }

    private static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static int read(List<String> problems, java.util.function.IntSupplier f) {
        try {
            return f.getAsInt();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return 1;
        }
    }

    @Override
    public String toString() {
        return "KPathRun[M=" + m + ", D=" + d + ", " + settings + ", folded=" + folded + "]";
    }
}
