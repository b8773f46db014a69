package io.github.gdln.cli.run;

import com.typesafe.config.ConfigRenderOptions;
import io.github.gdln.api.Params;
import io.github.gdln.cli.App;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.plot.RunPlots;
import io.github.gdln.cli.theory.TheoryOverlay;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.train.DivergenceException;
import io.github.gdln.core.train.EngineChoice;
import io.github.gdln.core.train.EngineRun;
import io.github.gdln.core.train.EngineSetup;
import io.github.gdln.core.train.EngineState;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one configuration into one run folder and leaves the folder in a final state: {@code completed} (metrics,
 * summary, plots), {@code failed} (with the reason: divergence, a component error), or {@code interrupted} (with a
 * checkpoint that {@code gdln resume} continues from). Files written: {@code config.conf}, {@code provenance.json},
 * {@code contexts.csv}, {@code metrics.csv}, {@code theory.csv} (when the theory covers the setup),
 * {@code summary.json}, {@code STATUS}, {@code run.log}, {@code checkpoint.bin} (while unfinished) and the plots.
 */
public final class RunExecutor {
    /**
     * How to report.
     *
     * @param echo       where to echo the log lines (null: the log file only)
     * @param progress   where to draw progress (null: none)
     * @param pointLabel the sweep point's label, or empty
     */
    public record Options(PrintStream echo, PrintStream progress, String pointLabel) {
    }

    /**
     * What happened.
     *
     * @param folder  the run folder
     * @param status  its final status
     * @param summary the summary written to {@code summary.json}
     */
    public record Outcome(Path folder, Status status, Map<String, Object> summary) {
    }

    private final App app;

    public RunExecutor(App app) {
        this.app = app;
    }

    /** Runs {@code config} from scratch into {@code folder} (created if needed). */
    public Outcome run(RunConfig config, Path folder, Options options) throws IOException {
        Files.createDirectories(folder);
        AtomicFiles.writeAtomically(folder.resolve("config.conf"), render(config));
        AtomicFiles.writeAtomically(folder.resolve("provenance.json"),
                Json.write(Provenance.of(app, config, options.pointLabel())));
        return execute(config, folder, options, null);
    }

    /** Continues the interrupted run in {@code folder} from its checkpoint. */
    public Outcome resume(RunConfig config, Path folder, Options options, Checkpoint checkpoint) throws IOException {
        return execute(config, folder, options, checkpoint);
    }

    /** The resolved configuration as HOCON, with a header. */
    public static String render(RunConfig config) {
        return "# resolved configuration of this run: gdln run " + config.experiment().name()
                + " --config <this file> repeats it\n"
                + config.resolved().root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                .setComments(false).setJson(false).setFormatted(true));
    }

    private Outcome execute(RunConfig config, Path folder, Options options, Checkpoint checkpoint)
            throws IOException {
        new Status(Status.State.RUNNING, "").write(folder);
        app.interrupts().enter();
        long start = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("experiment", config.experiment().name());
        summary.put("sweep_point", options.pointLabel());
        try (RunLog log = new RunLog(folder.resolve("run.log"), options.echo(), "")) {
            log.fileOnly((checkpoint == null ? "starting " : "resuming at epoch " + checkpoint.epoch() + " ")
                    + Provenance.commandLine(app.args()));
            Status status;
            try {
                status = train(config, folder, options, checkpoint, log, summary);
            } catch (DivergenceException e) {
                status = new Status(Status.State.FAILED, e.getMessage());
                log.info("failed: " + e.getMessage());
            } catch (RuntimeException | IOException | LinkageError e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                status = new Status(Status.State.FAILED, why.replace('\n', ' '));
                log.info("failed: " + why);
                log.trace(e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            summary.put("status", status.state().word());
            summary.put("reason", status.reason());
            summary.put("wall_seconds", Math.round(seconds * 1000) / 1000.0);
            Map<String, Object> ordered = new LinkedHashMap<>();
            ordered.put("status", summary.remove("status"));
            ordered.put("reason", summary.remove("reason"));
            ordered.putAll(summary);
            AtomicFiles.writeAtomically(folder.resolve("summary.json"), Json.write(ordered));
            status.write(folder);
            log.fileOnly("finished: " + status.state().word() + (status.reason().isEmpty() ? ""
                    : " (" + status.reason() + ")"));
            return new Outcome(folder, status, ordered);
        } finally {
            app.interrupts().exit();
        }
    }

    /**
     * The one run loop of every engine: prepares the simulation, writes contexts.csv and theory.csv, lets the engine
     * chosen for the setup train epoch by epoch, and records each measurement (metrics.csv, progress, log), writes
     * periodic and interrupt checkpoints, and at the end the summary and the plots.
     */
    private Status train(RunConfig config, Path folder, Options options, Checkpoint checkpoint, RunLog log,
                         Map<String, Object> summary) throws IOException {
        Simulation sim = Simulation.prepare(app.registry(), setup(config));
        BoundTask task = sim.task();
        writeContexts(folder, task);
        EngineSetup engineSetup = new EngineSetup(sim, config.trainer(), engineOptions(config));
        EngineChoice choice = EngineChoice.choose(app.registry().engines(), config.engine().name(), engineSetup);
        log.fileOnly("engine: " + choice.engine().name() + " (" + choice.reason() + ")");
        summary.put("engine", choice.engine().name());
        if (config.experiment().theory()) {
            theory(config, sim, folder, log, summary);
        }
        EngineRun run = choice.engine().start(engineSetup);
        log.info(run.summary());
        summary.putAll(run.facts());
        List<Trajectory.Point> points = new ArrayList<>();
        if (checkpoint != null) {
            run.restore(new EngineState(checkpoint.epoch(), checkpoint.parameters(), checkpoint.momentum()));
            points.addAll(checkpoint.points());
        }
        TrainerSettings t = config.trainer();
        List<String> contexts = task.data().contexts().stream().map(c -> c.name()).toList();
        Progress progress = options.progress() == null ? null : new Progress(options.progress(), app.terminal(),
                config.experiment().name() + (options.pointLabel().isEmpty() ? "" : " " + options.pointLabel()),
                "epoch", t.epochs(), 10);
        String stopReason = null;
        double trainSeconds = 0;
        double evalSeconds = 0;
        try (MetricsCsv metrics = MetricsCsv.create(folder.resolve("metrics.csv"), contexts, run.extraMeasures(),
                t.trackedEdges(), t.singularValues(), points)) {
            Recorder recorder = new Recorder(metrics, points, progress, log, t.epochs());
            if (checkpoint == null) {
                recorder.record(run.measure());
            }
            int firstEpoch = run.epoch();
            long runStart = System.nanoTime();
            while (run.epoch() < t.epochs()) {
                long started = System.nanoTime();
                run.trainEpoch();
                long trained = System.nanoTime();
                int epoch = run.epoch();
                boolean last = epoch == t.epochs();
                if (epoch % t.measureEvery() == 0 || last) {
                    recorder.record(run.measure());
                }
                trainSeconds += (trained - started) / 1e9;
                evalSeconds += (System.nanoTime() - trained) / 1e9;
                if (epoch == firstEpoch + 1) {
                    double perEpoch = (System.nanoTime() - runStart) / 1e9;
                    // the share is only meaningful for epochs long enough to time (a routing-toy epoch takes ~4 ms)
                    String share = trainSeconds >= 0.1
                            ? String.format(Locale.ROOT, " (%.0f%% of training)", 100 * evalSeconds / trainSeconds) : "";
                    log.info(String.format(Locale.ROOT, "epoch %d: training %.3g s, evaluation %.3g s%s; projected"
                            + " wall time of all %d epochs: %s (%s left)", epoch, trainSeconds, evalSeconds, share,
                            t.epochs(), duration(perEpoch * t.epochs()), duration(perEpoch * (t.epochs() - epoch))));
                    summary.put("projected_seconds", Math.round(perEpoch * t.epochs()));
                }
                if (last) {
                    break;
                }
                String reason = app.interrupts().requested() ? "interrupted (Ctrl-C or kill)"
                        : config.control().stopAfterEpoch() > 0 && epoch == config.control().stopAfterEpoch()
                        ? "stopped by trainer.stop-after-epoch=" + epoch : null;
                boolean periodic = config.control().checkpointEvery() > 0
                        && epoch % config.control().checkpointEvery() == 0;
                if (reason != null || periodic) {
                    EngineState state = run.state();
                    new Checkpoint(epoch, state.parameters(), state.momentum(), points).write(folder);
                }
                if (reason != null) {
                    stopReason = reason;
                    log.info(reason + " after epoch " + epoch + "; checkpoint written");
                    break;
                }
            }
        } finally {
            if (progress != null && (stopReason != null || run.epoch() < t.epochs())) {
                progress.end();
            }
        }
        summarize(summary, new Trajectory(contexts, task.trainedFlags(), points), config);
        summary.put("train_seconds", Math.round(trainSeconds * 10) / 10.0);
        summary.put("eval_seconds", Math.round(evalSeconds * 10) / 10.0);
        summary.put("eval_share_of_training", trainSeconds > 0 ? Math.round(1000 * evalSeconds / trainSeconds)
                / 1000.0 : 0.0);
        if (stopReason != null) {
            return new Status(Status.State.INTERRUPTED, stopReason + " after epoch " + run.epoch()
                    + "; continue with: gdln resume " + folder);
        }
        Files.deleteIfExists(folder.resolve(Checkpoint.FILE));
        try {
            run.copyToNetwork();
            RunPlots.write(folder, sim, config);
        } catch (RuntimeException | IOException | LinkageError e) {
            log.info("plots not written: " + e);
            log.trace(e);
        }
        return new Status(Status.State.COMPLETED, "");
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

    /** theory.csv and the summary's {@code theory} entry: the overlay's prediction, or why there is none. */
    private void theory(RunConfig config, Simulation sim, Path folder, RunLog log, Map<String, Object> summary)
            throws IOException {
        TheoryOverlay.Outcome outcome = app.theory().assess(config, sim);
        if (outcome.prediction().isPresent()) {
            TheoryCsv.write(folder.resolve("theory.csv"), outcome.prediction().get());
            summary.put("theory", outcome.prediction().get().name());
            log.fileOnly("theory: " + outcome.prediction().get().name());
        } else {
            String why = "none: " + outcome.declined().orElse("the setup is outside the reduction");
            summary.put("theory", why);
            log.fileOnly("theory: " + why);
        }
    }

    /** The core's setup of a run configuration. */
    /** The engine options of a run configuration ({@link EngineSetup#options()}). */
    public static Params engineOptions(RunConfig c) {
        return new Params("trainer", Map.of("eval-train-samples", c.engine().evalTrainSamples(),
                "eval-test-samples", c.engine().evalTestSamples(), "encoder-window", c.engine().encoderWindow()));
    }

    /** The simulation setup of a run configuration. */
    public static Simulation.Setup setup(RunConfig c) {
        return new Simulation.Setup(c.model().name(), c.model().params(), c.task().name(), c.task().params(),
                c.gating().name(), c.gating().params(), c.init(), c.precision(), c.seed());
    }

    private static void writeContexts(Path folder, BoundTask task) throws IOException {
        StringBuilder sb = new StringBuilder("index,name,trained,in,out\n");
        for (int c = 0; c < task.contextCount(); c++) {
            var ctx = task.data().contexts().get(c);
            sb.append(c).append(',').append(ctx.name()).append(',').append(task.trained(c) ? 1 : 0).append(',')
                    .append(ctx.coordinates().getOrDefault("in", -1)).append(',')
                    .append(ctx.coordinates().getOrDefault("out", -1)).append('\n');
        }
        AtomicFiles.writeAtomically(folder.resolve("contexts.csv"), sb.toString());
    }

    private static void summarize(Map<String, Object> s, Trajectory t, RunConfig config) {
        Trajectory.Point first = t.points().get(0);
        Trajectory.Point last = t.last();
        s.put("epochs", last.epoch());
        s.put("epochs_planned", config.trainer().epochs());
        s.put("initial_loss", first.loss());
        s.put("loss", last.loss());
        s.put("trained_loss", last.trainedLoss());
        s.put("untrained_loss", last.untrainedLoss().isPresent() ? last.untrainedLoss().getAsDouble() : null);
        s.put("trained_accuracy", last.trainedAccuracy().isPresent() ? last.trainedAccuracy().getAsDouble() : null);
        s.put("untrained_accuracy", last.untrainedAccuracy().isPresent() ? last.untrainedAccuracy().getAsDouble()
                : null);
        Map<String, Object> sv = new LinkedHashMap<>();
        for (String e : config.trainer().trackedEdges()) {
            double[] v = last.singularValues().get(e);
            if (v != null) {
                sv.put(e, v);
            }
        }
        s.put("singular_values", sv);
        s.putAll(last.extras());
    }

    /** Records each measurement: metrics.csv, the progress line and (every 10 s and at the end) the log. */
    private static final class Recorder {
        private static final long LOG_EVERY_NANOS = 10_000_000_000L;
        private final MetricsCsv metrics;
        private final List<Trajectory.Point> points;
        private final Progress progress;
        private final RunLog log;
        private final int epochs;
        private long lastLog = System.nanoTime();

        Recorder(MetricsCsv metrics, List<Trajectory.Point> points, Progress progress, RunLog log, int epochs) {
            this.metrics = metrics;
            this.points = points;
            this.progress = progress;
            this.log = log;
            this.epochs = epochs;
        }

        void record(Trajectory.Point p) throws IOException {
            points.add(p);
            metrics.append(p);
            String note = note(p);
            if (progress != null) {
                progress.update((long) p.epoch(), note);
            }
            long now = System.nanoTime();
            if (now - lastLog > LOG_EVERY_NANOS || p.epoch() == epochs) {
                lastLog = now;
                log.fileOnly("epoch " + MetricsCsv.num(p.epoch()) + " " + note);
            }
        }

        private static String note(Trajectory.Point p) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "loss %.4g", p.loss()));
            if (p.trainedAccuracy().isPresent()) {
                sb.append(String.format(Locale.ROOT, ", accuracy trained %.1f%%", 100 * p.trainedAccuracy()
                        .getAsDouble()));
                p.untrainedAccuracy().ifPresent(u -> sb.append(String.format(Locale.ROOT, " untrained %.1f%%",
                        100 * u)));
            }
            Double test = p.extras().get("test_trained_accuracy");
            if (test != null) {
                sb.append(String.format(Locale.ROOT, ", test accuracy trained %.1f%%", 100 * test));
            }
            return sb.toString();
        }
    }
}
