package io.github.gdln.cli.run;

import io.github.gdln.api.Context;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Params;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import io.github.gdln.cli.App;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.plot.RunPlots;
import io.github.gdln.core.Registry;
import io.github.gdln.core.gating.TrainedPairs;
import io.github.gdln.core.kpath.KPathRun;
import io.github.gdln.core.kpath.Metrics;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.util.Seeds;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code kpath} trainer engine: a k-path routing task (docs/theory.md §4.1) trained with gdln-core's fused k-path
 * step ({@link KPathRun} on {@code KPathModel}) instead of the generic engine, inside the same run-folder machinery
 * (metrics, summary, plots, progress, checkpoints, resume, divergence).
 *
 * <p><b>When it fits.</b> The k-path model is: one encoder per input domain (D -> H), one shared H x H layer, one
 * decoder per output domain (H -> C), biases, linear, softmax cross-entropy averaged over trained pathways, SGD with
 * momentum, Xavier-uniform weights with gain {@code init.scale} and zero biases. That is the generic setup
 * {@code model = routing} with {@code hidden-layers = 2} ({@code in<i> -> h1 -> h2 -> out<j>}),
 * {@code gating = routing} (context i->j opens input i and output j), {@code trainer.method = sgd} and
 * {@code init.scheme = xavier}, on a task whose {@link TaskData} also implements {@link RoutingData} (and whose
 * contexts are the M x M routes). {@code trainer.engine = auto} picks kpath exactly then; {@code kpath} demands it
 * (a mismatch is a configuration error); {@code generic} never uses it.
 *
 * <p><b>Keys.</b> {@code trainer.epochs, batch-size} (base images per step), {@code learning-rate, momentum},
 * {@code model.hidden-width} (H), {@code init.scale} (the Xavier gain), {@code precision},
 * {@code trainer.eval-train-samples / eval-test-samples} (images measured per epoch, 0 = all), {@code seed}.
 * {@code trainer.measure-every} is ignored: every epoch is measured. The trained pathways are those of the bound
 * gating scheme, with the same seed stream as the generic engine.
 *
 * <p><b>metrics.csv.</b> One row per epoch (epoch 0 = before training): {@code loss} (= trained_loss),
 * {@code trained_loss, untrained_loss, trained_accuracy, untrained_accuracy} on the measured training images, the same
 * four with prefix {@code test_} on the test split, and {@code step_loss} (the mean training objective over the
 * epoch's steps). An empty cell is a group with no pathway (untrained when K = M) or no test split.
 *
 * <p><b>Resume.</b> The checkpoint holds the epoch and {@code KPathModel.parameters()/momenta()}; the batches of
 * epoch e depend only on the seed and e, so a resumed run writes exactly the rows of an uninterrupted one.
 */
public final class KPathEngine {
    /** metrics.csv columns of a kpath run. */
    public static final List<String> COLUMNS = List.of("epoch", "loss", "trained_loss", "untrained_loss",
            "trained_accuracy", "untrained_accuracy", "test_trained_loss", "test_untrained_loss",
            "test_trained_accuracy", "test_untrained_accuracy", "step_loss");

    /**
     * A k-path run ready to go.
     *
     * @param data the loaded task data (also {@link RoutingData})
     */
    public record Plan(TaskData data) {
    }

    private final App app;
    private final RunConfig config;
    private final Path folder;
    private final RunExecutor.Options options;
    private final RunLog log;

    KPathEngine(App app, RunConfig config, Path folder, RunExecutor.Options options, RunLog log) {
        this.app = app;
        this.config = config;
        this.folder = folder;
        this.options = options;
        this.log = log;
    }

    /**
     * Why the configured setup is not the k-path model (empty: it is, as far as the configuration says; the task's
     * data is checked when loaded).
     */
    public static List<String> mismatches(Registry registry, RunConfig.Component model, RunConfig.Component gating,
                                          TrainerSettings trainer, String initScheme) {
        List<String> why = new ArrayList<>();
        if (model != null) {
            if (!model.name().equals("routing")) {
                why.add("model is '" + model.name() + "', the k-path model is model=routing");
            } else {
                try {
                    int layers = registry.params(Registry.Kind.ARCHITECTURE, model.name(), model.params())
                            .getInt("hidden-layers");
                    if (layers != 2) {
                        why.add("model.hidden-layers = " + layers + ", the k-path model has 2 (encoder, one shared"
                                + " H x H layer, decoder)");
                    }
                } catch (IllegalArgumentException e) {
                    why.add(e.getMessage());
                }
            }
        }
        if (gating != null && !gating.name().equals("routing")) {
            why.add("gating is '" + gating.name() + "', the k-path model needs gating=routing");
        }
        if (trainer != null && trainer.method() != TrainerSettings.Method.SGD) {
            why.add("trainer.method is " + trainer.method().name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + ", the k-path step is sgd");
        }
        if (initScheme != null && !initScheme.equals("xavier")) {
            why.add("init.scheme is " + initScheme + ", the k-path model starts Xavier-uniform (init.scheme=xavier)");
        }
        return why;
    }

    /**
     * A routing point's problem that shows without its data (empty when none): K outside 1..M for a task that
     * declares its domain count M ({@code task.domains}), found by {@link TrainedPairs#matrix}'s own check. Used by
     * {@code gdln run --dry-run}.
     */
    public static List<String> routingProblems(Registry registry, RunConfig config) {
        List<String> why = new ArrayList<>();
        if (config.gating() == null || !config.gating().name().equals("routing") || config.task() == null) {
            return why;
        }
        try {
            Params g = registry.params(Registry.Kind.GATING, config.gating().name(), config.gating().params());
            Params t = registry.params(Registry.Kind.TASK, config.task().name(), config.task().params());
            if (t.has("domains") && g.has("K") && g.has("mode")) {
                TrainedPairs.matrix(TrainedPairs.Mode.parse(g.getString("mode"), g.owner()), t.getInt("domains"),
                        g.getInt("K"));
            }
        } catch (IllegalArgumentException e) {
            why.add(e.getMessage());
        }
        return why;
    }

    /**
     * Decides the engine: a plan when the run goes to the k-path step, empty for the generic engine (the reason is
     * logged). Loads the task's data only when the configuration fits the k-path model.
     *
     * @throws IllegalArgumentException with {@code trainer.engine = kpath} when the task's data is no RoutingData
     */
    static Optional<Plan> plan(Registry registry, RunConfig config, RunLog log) {
        String engine = config.engine().name();
        if (engine.equals("generic")) {
            log.fileOnly("engine: generic (trainer.engine = generic)");
            return Optional.empty();
        }
        List<String> why = mismatches(registry, config.model(), config.gating(), config.trainer(),
                config.init().scheme());
        if (!why.isEmpty()) {
            // trainer.engine = kpath with a mismatch is rejected by the binder
            log.fileOnly("engine: generic (auto: " + String.join("; ", why) + ")");
            return Optional.empty();
        }
        Params taskParams = registry.params(Registry.Kind.TASK, config.task().name(), config.task().params());
        TaskData data = registry.task(config.task().name()).load(taskParams, Seeds.derive(config.seed(), Seeds.TASK));
        String notRouting = null;
        if (!(data instanceof RoutingData r)) {
            notRouting = "the data of task '" + config.task().name() + "' is not RoutingData";
        } else if (data.test().isPresent() && !(data.test().get() instanceof RoutingData)) {
            notRouting = "the test split of task '" + config.task().name() + "' is not RoutingData";
        } else if (data.contexts().size() != r.domains() * r.domains()) {
            notRouting = "task '" + config.task().name() + "' has " + data.contexts().size() + " contexts, not the "
                    + r.domains() + " x " + r.domains() + " routes";
        }
        if (notRouting != null) {
            if (engine.equals("kpath")) {
                throw new IllegalArgumentException("trainer.engine = kpath: " + notRouting
                        + "; use trainer.engine=generic or auto");
            }
            log.fileOnly("engine: generic (auto: " + notRouting + ")");
            return Optional.empty();
        }
        return Optional.of(new Plan(data));
    }

    /** Trains (or continues from {@code checkpoint}) and returns the final status; fills {@code summary}. */
    Status run(Plan plan, Checkpoint checkpoint, Map<String, Object> summary) throws IOException {
        Registry registry = app.registry();
        TaskData data = plan.data();
        RoutingData train = (RoutingData) data;
        RoutingData test = (RoutingData) data.test().orElse(null);
        Params archParams = registry.params(Registry.Kind.ARCHITECTURE, config.model().name(),
                config.model().params());
        Params gatingParams = registry.params(Registry.Kind.GATING, config.gating().name(),
                config.gating().params());
        Graph graph = registry.architecture(config.model().name()).build(archParams, data);
        GatingScheme.Gating gating = registry.gating(config.gating().name()).bind(gatingParams, graph, data,
                Seeds.derive(config.seed(), Seeds.GATING));
        boolean[][] gate = KPathRun.gateMatrix(data, gating);
        TrainerSettings t = config.trainer();
        KPathRun.Settings settings = new KPathRun.Settings(t.epochs(), archParams.getInt("hidden-width", 1),
                t.batchSize(), config.init().scale(), t.learningRate(), t.momentum(), config.precision(),
                config.engine().evalTrainSamples(), config.engine().evalTestSamples(), config.engine().encoderWindow());
        if (t.epochs() < 1) {
            throw new IllegalArgumentException("trainer.epochs must be >= 1 for the kpath engine");
        }
        KPathRun run = new KPathRun(train, test, gate, settings, config.seed());
        writeContexts(data, gating);
        log.info(String.format(Locale.ROOT, "engine: kpath (M=%d, D=%d, H=%d, C=%d, %d trained of %d pathways,"
                        + " %d training images%s, batch %d, %s%s, %s)", train.domains(), train.inputWidth(),
                settings.hidden(), train.classes(), run.model().trainedPairs(), train.domains() * train.domains(),
                data.sampleCount(), test == null ? "" : ", " + ((TaskData) test).sampleCount() + " test",
                settings.batchSize(), config.precision() == DataType.FLOAT ? "float32" : "float64",
                run.folded() ? ", permutations folded into the encoders" : "",
                run.encoderWindow() > 1 ? "deferred encoder update every " + run.encoderWindow() + " steps"
                        : "plain step"));
        summary.put("encoder-window", run.encoderWindow());
        summary.put("engine", "kpath");

        Path file = folder.resolve("metrics.csv");
        List<String> rows = new ArrayList<>();
        if (checkpoint != null) {
            run.restore(checkpoint.epoch(), checkpoint.parameters(), checkpoint.momentum());
            rows.addAll(rowsUpTo(file, checkpoint.epoch()));
        }
        String stopReason = null;
        Progress progress = options.progress() == null ? null : new Progress(options.progress(), app.terminal(),
                config.experiment().name() + (options.pointLabel().isEmpty() ? "" : " " + options.pointLabel()),
                "epoch", t.epochs(), 10);
        long lastLog = System.nanoTime();
        long runStart;
        int firstEpoch = run.epochsDone();
        summary.put("eval_train_samples", settings.evalTrainSamples());
        summary.put("eval_test_samples", settings.evalTestSamples());
        double trainSeconds = 0;
        double evalSeconds = 0;
        boolean finished = false;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            out.write(String.join(",", COLUMNS));
            out.newLine();
            for (String r : rows) {
                out.write(r);
                out.newLine();
            }
            if (checkpoint == null) {
                Metrics tr = run.measure(train, settings.evalTrainSamples());
                Optional<Metrics> te = test == null ? Optional.empty()
                        : Optional.of(run.measure(test, settings.evalTestSamples()));
                rows.add(row(0, tr, te, OptionalDouble.empty()));
                write(out, rows.get(rows.size() - 1));
            }
            runStart = System.nanoTime(); // the projection counts epochs (training + evaluation) from here
            while (run.epochsDone() < t.epochs()) {
                KPathRun.EpochMetrics e = run.epoch();
                rows.add(row(e.epoch(), e.train(), e.test(), OptionalDouble.of(e.trainingLoss())));
                write(out, rows.get(rows.size() - 1));
                trainSeconds += e.seconds();
                evalSeconds += e.evalSeconds();
                double perEpoch = (System.nanoTime() - runStart) / 1e9 / (e.epoch() - firstEpoch);
                double remaining = perEpoch * (t.epochs() - e.epoch());
                String note = note(e) + ", " + duration(remaining) + " left";
                if (e.epoch() == firstEpoch + 1) {
                    log.info(String.format(Locale.ROOT, "epoch %d: training %.1f s (%.0f images/s), evaluation %.1f s"
                            + " (%.0f%% of training); projected wall time of all %d epochs: %s (%s left)", e.epoch(),
                            e.seconds(), e.imagesPerSecond(), e.evalSeconds(), 100 * e.evaluationShare(), t.epochs(),
                            duration(perEpoch * t.epochs()), duration(remaining)));
                    summary.put("projected_seconds", Math.round(perEpoch * t.epochs()));
                }
                if (progress != null) {
                    progress.update(e.epoch(), note);
                }
                long now = System.nanoTime();
                if (now - lastLog > 10_000_000_000L || e.epoch() == t.epochs()) {
                    lastLog = now;
                    log.fileOnly("epoch " + e.epoch() + " " + note);
                }
                if (e.epoch() == t.epochs()) {
                    break;
                }
                String reason = null;
                if (app.interrupts().requested()) {
                    reason = "interrupted (Ctrl-C or kill)";
                } else if (config.control().stopAfterEpoch() > 0 && e.epoch() == config.control().stopAfterEpoch()) {
                    reason = "stopped by trainer.stop-after-epoch=" + e.epoch();
                }
                boolean periodic = config.control().checkpointEvery() > 0
                        && e.epoch() % config.control().checkpointEvery() == 0;
                if (reason != null || periodic) {
                    new Checkpoint(e.epoch(), run.model().parameters().castTo(DataType.DOUBLE).toDoubleVector(),
                            run.model().momenta().castTo(DataType.DOUBLE).toDoubleVector(), List.of()).write(folder);
                }
                if (reason != null) {
                    stopReason = reason;
                    log.info(reason + " after epoch " + e.epoch() + "; checkpoint written");
                    break;
                }
            }
            finished = stopReason == null;
        } finally {
            if (progress != null && !finished) {
                progress.end();
            }
        }
        summarize(summary, rows, t.epochs());
        summary.put("train_seconds", Math.round(trainSeconds * 10) / 10.0);
        summary.put("eval_seconds", Math.round(evalSeconds * 10) / 10.0);
        summary.put("eval_share_of_training", trainSeconds > 0 ? Math.round(1000 * evalSeconds / trainSeconds)
                / 1000.0 : 0.0);
        if (stopReason != null) {
            return new Status(Status.State.INTERRUPTED, stopReason + " after epoch " + run.epochsDone()
                    + "; continue with: gdln resume " + folder);
        }
        Files.deleteIfExists(folder.resolve(Checkpoint.FILE));
        try {
            RunPlots.fromFiles(folder);
        } catch (RuntimeException | IOException | LinkageError e) {
            log.info("plots not written: " + e);
            log.trace(e);
        }
        return new Status(Status.State.COMPLETED, "");
    }

    private static String note(KPathRun.EpochMetrics e) {
        Metrics m = e.test().orElse(e.train());
        return String.format(Locale.ROOT, "loss %.4g, %s accuracy trained %s untrained %s, %.0f images/s,"
                + " train %.1f s + eval %.1f s", e.trainingLoss(), e.test().isPresent() ? "test" : "train",
                pct(m.trainedAccuracy()), pct(m.untrainedAccuracy()), e.imagesPerSecond(), e.seconds(),
                e.evalSeconds());
    }

    /** 95 s -> "1m35s", 7300 s -> "2h01m", 200000 s -> "2d07h". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }

    private static String pct(OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, "%.1f%%", 100 * d.getAsDouble()) : "-";
    }

    private static void write(BufferedWriter out, String row) throws IOException {
        out.write(row);
        out.newLine();
        out.flush();
    }

    private static String row(int epoch, Metrics train, Optional<Metrics> test, OptionalDouble stepLoss) {
        StringBuilder sb = new StringBuilder(Integer.toString(epoch));
        sb.append(',').append(opt(train.trainedLoss()));
        metrics(sb, train);
        if (test.isPresent()) {
            metrics(sb, test.get());
        } else {
            sb.append(",,,,");
        }
        sb.append(',').append(opt(stepLoss));
        return sb.toString();
    }

    private static void metrics(StringBuilder sb, Metrics m) {
        sb.append(',').append(opt(m.trainedLoss())).append(',').append(opt(m.untrainedLoss()))
                .append(',').append(opt(m.trainedAccuracy())).append(',').append(opt(m.untrainedAccuracy()));
    }

    private static String opt(OptionalDouble d) {
        return d.isPresent() ? MetricsCsv.num(d.getAsDouble()) : "";
    }

    /** The data rows of {@code file} up to and including {@code epoch} (a checkpoint's epoch). */
    private static List<String> rowsUpTo(Path file, int epoch) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", COLUMNS))) {
            throw new IOException(file + " is not the metrics file of a kpath run");
        }
        List<String> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (!l.isBlank() && Integer.parseInt(l.substring(0, l.indexOf(','))) <= epoch) {
                rows.add(l);
            }
        }
        if (rows.size() != epoch + 1) {
            throw new IOException(file + " holds " + rows.size() + " rows up to epoch " + epoch + ", expected "
                    + (epoch + 1));
        }
        return rows;
    }

    private static void summarize(Map<String, Object> s, List<String> rows, int planned) {
        String[] first = (rows.get(0) + ",end").split(",", -1);
        String[] last = (rows.get(rows.size() - 1) + ",end").split(",", -1);
        s.put("epochs", Integer.parseInt(last[0]));
        s.put("epochs_planned", planned);
        s.put("initial_loss", value(first[1]));
        for (int c = 1; c < COLUMNS.size(); c++) {
            s.put(COLUMNS.get(c), value(last[c]));
        }
    }

    private static Double value(String cell) {
        return cell.isEmpty() ? null : Double.parseDouble(cell);
    }

    private void writeContexts(TaskData data, GatingScheme.Gating gating) throws IOException {
        StringBuilder sb = new StringBuilder("index,name,trained,in,out\n");
        List<Context> cs = data.contexts();
        for (int c = 0; c < cs.size(); c++) {
            Context ctx = cs.get(c);
            sb.append(c).append(',').append(ctx.name()).append(',').append(gating.trained(c) ? 1 : 0).append(',')
                    .append(ctx.coordinates().getOrDefault("in", -1)).append(',')
                    .append(ctx.coordinates().getOrDefault("out", -1)).append('\n');
        }
        AtomicFiles.writeAtomically(folder.resolve("contexts.csv"), sb.toString());
    }
}
