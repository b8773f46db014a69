package io.github.gdln.cli.run;

import com.typesafe.config.ConfigRenderOptions;
import io.github.gdln.cli.App;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.plot.RunPlots;
import io.github.gdln.cli.theory.TheoryOverlay;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.train.DivergenceException;
import io.github.gdln.core.train.Trainer;
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
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
                Optional<KPathEngine.Plan> kpath = KPathEngine.plan(app.registry(), config, log);
                if (kpath.isPresent()) {
                    status = new KPathEngine(app, config, folder, options, log).run(kpath.get(), checkpoint, summary);
                } else {
                    summary.put("engine", "generic");
                    status = generic(config, folder, options, checkpoint, log, summary);
                }
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

    /** The generic engine: core's Simulation and Trainer. */
    private Status generic(RunConfig config, Path folder, Options options, Checkpoint checkpoint, RunLog log,
                           Map<String, Object> summary) throws IOException {
        Listener listener = null;
        Status status;
        try {
            Simulation sim = Simulation.prepare(app.registry(), setup(config));
            BoundTask task = sim.task();
            List<String> contexts = task.data().contexts().stream().map(c -> c.name()).toList();
            writeContexts(folder, task);
            Optional<TheoryOverlay.Prediction> theory = Optional.empty();
            if (config.experiment().theory()) {
                Optional<String> declined = app.theory().declines(config, sim);
                theory = declined.isEmpty() ? app.theory().predict(config, sim) : Optional.empty();
                if (theory.isPresent()) {
                    TheoryCsv.write(folder.resolve("theory.csv"), theory.get());
                    summary.put("theory", theory.get().name());
                    log.fileOnly("theory: " + theory.get().name());
                } else {
                    String why = "none: " + declined.orElse("the setup is outside the reduction");
                    summary.put("theory", why);
                    log.fileOnly("theory: " + why);
                }
            }
            List<Trajectory.Point> earlier = checkpoint == null ? List.of() : checkpoint.points();
            GatedNetwork net = sim.network();
            INDArray momentum = null;
            int startEpoch = 0;
            if (checkpoint != null) {
                if (checkpoint.parameters().length != net.parameters().length()) {
                    throw new IOException("the checkpoint holds " + checkpoint.parameters().length
                            + " parameters but the network has " + net.parameters().length());
                }
                net.parameters().assign(vector(checkpoint.parameters(), net.dataType()));
                momentum = vector(checkpoint.momentum(), net.dataType());
                startEpoch = checkpoint.epoch();
            }
            try (MetricsCsv metrics = MetricsCsv.create(folder.resolve("metrics.csv"), contexts,
                    config.trainer().trackedEdges(), config.trainer().singularValues(), earlier)) {
                listener = new Listener(config, folder, metrics, earlier, log, options, startEpoch);
                Trajectory t = new Trainer(config.trainer()).train(net, task, config.seed(), startEpoch,
                        momentum, earlier, listener);
                listener.end();
                summarize(summary, t, config);
            }
            if (listener.stopReason != null) {
                status = new Status(Status.State.INTERRUPTED, listener.stopReason + " after epoch "
                        + listener.lastEpoch + "; continue with: gdln resume " + folder);
            } else {
                status = new Status(Status.State.COMPLETED, "");
                Files.deleteIfExists(folder.resolve(Checkpoint.FILE));
                try {
                    RunPlots.write(folder, sim, config);
                } catch (RuntimeException | IOException | LinkageError e) {
                    log.info("plots not written: " + e);
                    log.trace(e);
                }
            }
        } catch (RuntimeException | IOException | LinkageError e) {
            if (listener != null) {
                listener.end();
            }
            throw e;
        }
        return status;
    }

    private static INDArray vector(double[] values, DataType type) {
        return Nd4j.create(values, new long[] {1, values.length}, DataType.DOUBLE).castTo(type);
    }

    /** The core's setup of a run configuration. */
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
    }

    /** Records measurements, draws progress, writes checkpoints and stops on an interrupt. */
    private final class Listener implements Trainer.Listener {
        private final RunConfig config;
        private final Path folder;
        private final MetricsCsv metrics;
        private final List<Trajectory.Point> points;
        private final RunLog log;
        private final Progress progress;
        private final long logEveryNanos = 10_000_000_000L;
        private long lastLog = System.nanoTime();
        String stopReason;
        int lastEpoch;

        Listener(RunConfig config, Path folder, MetricsCsv metrics, List<Trajectory.Point> earlier, RunLog log,
                 Options options, int startEpoch) {
            this.config = config;
            this.folder = folder;
            this.metrics = metrics;
            this.points = new ArrayList<>(earlier);
            this.log = log;
            this.lastEpoch = startEpoch;
            this.progress = options.progress() == null ? null : new Progress(options.progress(), app.terminal(),
                    config.experiment().name() + (options.pointLabel().isEmpty() ? "" : " " + options.pointLabel()),
                    "epoch", config.trainer().epochs(), 10);
        }

        @Override
        public void measured(Trajectory.Point p) {
            points.add(p);
            try {
                metrics.append(p);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String note = String.format(Locale.ROOT, "loss %.4g", p.loss());
            if (progress != null) {
                progress.update((long) p.epoch(), note);
            }
            long now = System.nanoTime();
            if (now - lastLog > logEveryNanos || p.epoch() == config.trainer().epochs()) {
                lastLog = now;
                log.fileOnly("epoch " + MetricsCsv.num(p.epoch()) + " " + note);
            }
        }

        @Override
        public boolean stopAfter(int epoch, GatedNetwork net, INDArray momentum) {
            lastEpoch = epoch;
            String reason = null;
            if (app.interrupts().requested()) {
                reason = "interrupted (Ctrl-C or kill)";
            } else if (config.control().stopAfterEpoch() > 0 && epoch == config.control().stopAfterEpoch()) {
                reason = "stopped by trainer.stop-after-epoch=" + epoch;
            }
            boolean periodic = config.control().checkpointEvery() > 0 && epoch % config.control().checkpointEvery()
                    == 0;
            if (reason != null || periodic) {
                try {
                    new Checkpoint(epoch, net.parameters().castTo(DataType.DOUBLE).toDoubleVector(),
                            momentum.castTo(DataType.DOUBLE).toDoubleVector(), points).write(folder);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot write the checkpoint", e);
                }
            }
            if (reason != null) {
                stopReason = reason;
                log.info(reason + " after epoch " + epoch + "; checkpoint written");
                return true;
            }
            return false;
        }

        void end() {
            if (progress != null && stopReason != null) {
                progress.end();
            }
        }
    }
}
