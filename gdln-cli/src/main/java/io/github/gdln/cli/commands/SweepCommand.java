package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.launch.LauncherSettings;
import io.github.gdln.cli.launch.Slurm;
import io.github.gdln.cli.run.Checkpoint;
import io.github.gdln.cli.run.AtomicFiles;
import io.github.gdln.cli.run.Provenance;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gdln sweep}: a sweep folder's points, wherever they run: {@code status} (per point pending, running,
 * completed, failed or interrupted, from the run folders and SLURM's queue), {@code collect} (the summary table and
 * plots of what has finished), {@code resubmit} (the unfinished points as a new SLURM job array; interrupted points
 * resume from their checkpoints, finished points never rerun) and {@code cancel}. {@code run-point} is what each
 * array task runs.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Watches, collects, resubmits or cancels a sweep (gdln run -m ...), local or on SLURM."},
        subcommands = {SweepCommand.StatusCommand.class, SweepCommand.CollectCommand.class,
                SweepCommand.ResubmitCommand.class, SweepCommand.CancelCommand.class,
                SweepCommand.RunPointCommand.class},
        footer = {"", "Examples:",
                "  gdln run -m routing-toy gating.K=1,2,4 seed=1,2 --launcher slurm",
                "  gdln sweep status --watch runs/routing-toy/2026-01-01_12-00-00",
                "  gdln sweep collect runs/routing-toy/2026-01-01_12-00-00",
                "  gdln sweep resubmit runs/routing-toy/2026-01-01_12-00-00 launcher.time=8:00:00",
                "  gdln sweep cancel runs/routing-toy/2026-01-01_12-00-00"})
public final class SweepCommand implements Runnable {
    @ParentCommand
    GdlnCommand parent;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is required: status, collect, resubmit, cancel");
    }

    /** Where a point stands. */
    enum State {
        COMPLETED("completed"), FAILED("failed"), INTERRUPTED("interrupted"), PENDING("pending"),
        RUNNING("running"), NOT_SUBMITTED("not submitted"), UNKNOWN("unknown");

        final String word;

        State(String word) {
            this.word = word;
        }

        /** Whether the point is in SLURM's queue. */
        boolean queued() {
            return this == PENDING || this == RUNNING;
        }
    }

    /**
     * A point's state and the detail (the reason, the queue's reason, the epoch reached).
     *
     * @param state  the state
     * @param detail the detail, or empty
     */
    record PointState(State state, String detail) {
    }

    /** The states of all points: the run folders, and the queue for a sweep submitted to SLURM. */
    static List<PointState> states(SweepFolder sweep, App app) throws IOException {
        List<SweepFolder.Submission> submissions = sweep.submissions();
        Map<Integer, Slurm.QueuedTask> queued = new LinkedHashMap<>();
        Set<Integer> submitted = new TreeSet<>();
        boolean queueKnown = true;
        if (!submissions.isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            for (SweepFolder.Submission s : submissions) {
                ids.add(s.jobId());
                submitted.addAll(indices(s.indices()));
            }
            try {
                for (Slurm.QueuedTask t : slurm(sweep).queue(ids)) {
                    queued.put(t.index(), t);
                }
            } catch (Slurm.SlurmException e) {
                app.err().println("gdln sweep: SLURM's queue not read (" + e.getMessage() + "); the states below"
                        + " come from the run folders only");
                queueKnown = false;
            }
        }
        List<PointState> states = new ArrayList<>();
        for (int i = 0; i < sweep.points().size(); i++) {
            PointState s = state(sweep, i, queued.get(i), submitted.contains(i) || sweep.launcher().equals("local"));
            if (!queueKnown && submitted.contains(i) && s.state() == State.INTERRUPTED) {
                s = new PointState(State.UNKNOWN, "may still be queued (SLURM's queue could not be read)");
            }
            states.add(s);
        }
        return states;
    }

    private static PointState state(SweepFolder sweep, int i, Slurm.QueuedTask task, boolean submitted) {
        Path folder = sweep.folder(i);
        Optional<RunExecutor.Outcome> done = sweep.finalOutcome(i);
        if (done.isPresent() && done.get().status().state() == Status.State.COMPLETED) {
            return new PointState(State.COMPLETED, "");
        }
        if (task != null) {
            String where = "job " + task.jobId() + "_" + task.index();
            return task.pending() ? new PointState(State.PENDING, where + ", " + task.reason())
                    : new PointState(State.RUNNING, where + (task.state().equals("RUNNING") ? "" : ", "
                    + task.state().toLowerCase(java.util.Locale.ROOT)) + epochReached(folder));
        }
        if (done.isPresent()) {
            Status s = done.get().status();
            return new PointState(s.state() == Status.State.FAILED ? State.FAILED : State.INTERRUPTED, s.reason());
        }
        if (Files.isRegularFile(folder.resolve(Status.FILE))) {
            return new PointState(State.INTERRUPTED, "ended without a final status (killed?)"
                    + (Files.isRegularFile(folder.resolve(Checkpoint.FILE)) ? "; resumes from its checkpoint"
                    : "; no checkpoint, reruns") + logHint(sweep, i));
        }
        return submitted ? new PointState(State.INTERRUPTED, "never started (cancelled while pending?)"
                + logHint(sweep, i)) : new PointState(State.NOT_SUBMITTED, "");
    }

    private static String epochReached(Path folder) {
        try {
            Path metrics = folder.resolve("metrics.csv");
            if (!Files.isRegularFile(metrics)) {
                return "";
            }
            List<String> lines = Files.readAllLines(metrics);
            String last = lines.get(lines.size() - 1);
            return lines.size() > 1 ? ", epoch " + last.substring(0, Math.max(0, last.indexOf(','))) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String logHint(SweepFolder sweep, int i) {
        try (var logs = Files.list(sweep.slurmDir().resolve("logs"))) {
            return logs.filter(p -> p.getFileName().toString().endsWith("_" + i + ".out")).sorted()
                    .reduce((a, b) -> b).map(p -> "; log: " + p).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /** The point indices of an sbatch {@code --array} list ({@code 0-3,5%2}). */
    static Set<Integer> indices(String spec) {
        Set<Integer> out = new TreeSet<>();
        String s = spec.contains("%") ? spec.substring(0, spec.indexOf('%')) : spec;
        for (String part : s.split(",")) {
            if (part.contains("-")) {
                int a = Integer.parseInt(part.substring(0, part.indexOf('-')));
                int b = Integer.parseInt(part.substring(part.indexOf('-') + 1));
                for (int k = a; k <= b; k++) {
                    out.add(k);
                }
            } else if (!part.isBlank()) {
                out.add(Integer.parseInt(part.strip()));
            }
        }
        return out;
    }

    /** The sbatch {@code --array} list of {@code indices} (ascending), with ranges: {@code 0-3,5}. */
    static String arraySpec(List<Integer> indices) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < indices.size(); k++) {
            int start = indices.get(k);
            int end = start;
            while (k + 1 < indices.size() && indices.get(k + 1) == end + 1) {
                end = indices.get(++k);
            }
            sb.append(sb.length() == 0 ? "" : ",").append(start == end ? "" + start : start + "-" + end);
        }
        return sb.toString();
    }

    private static Slurm slurm(SweepFolder sweep) throws IOException {
        return new Slurm(storedSettings(sweep).map(LauncherSettings::slurmBin).orElse(""));
    }

    private static Optional<LauncherSettings> storedSettings(SweepFolder sweep) {
        Path f = sweep.slurmDir().resolve("launcher.conf");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return Optional.of(LauncherSettings.bind(List.of(ConfigFactory.parseFile(f.toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false)))));
    }

    /**
     * {@code gdln run ... --launcher slurm}: writes the points' configurations into the sweep folder, then submits
     * one job array.
     */
    static int submitNew(App app, Path root, Sweep sweep, List<RunConfig> configs, LauncherSettings settings)
            throws IOException {
        String name = configs.get(0).experiment().name();
        SweepFolder folder = SweepFolder.create(root, name, sweep, Provenance.commandLine(app.args()), "slurm", 0);
        for (int i = 0; i < configs.size(); i++) {
            Files.createDirectories(folder.folder(i));
            AtomicFiles.writeAtomically(folder.folder(i).resolve("config.conf"), RunExecutor.render(configs.get(i)));
        }
        app.out().println("sweep " + name + ": " + configs.size() + " point" + (configs.size() == 1 ? "" : "s")
                + (sweep.isSweep() ? " over " + String.join(", ", sweep.axes().keySet()) : "") + " -> " + root);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            all.add(i);
        }
        return submit(app, folder, settings, all, "run");
    }

    /** Submits points {@code indices} as one job array; prints the job id and what to do next. */
    static int submit(App app, SweepFolder sweep, LauncherSettings settings, List<Integer> indices, String command)
            throws IOException {
        Path root = sweep.root().toAbsolutePath();
        Path dir = sweep.slurmDir();
        Files.createDirectories(dir.resolve("logs"));
        AtomicFiles.writeAtomically(dir.resolve("launcher.conf"), "# the launcher settings of this sweep's last"
                + " submission\n" + settings.render() + "\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.java().isEmpty() ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : settings.java());
        cmd.addAll(settings.jvmOptions());
        App.bundledPlugins().ifPresent(p -> cmd.add("-D" + App.BUNDLED_PLUGINS + "=" + p.toAbsolutePath()));
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, java.util.Arrays.stream(
                System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().toString()).toList()));
        cmd.add(Main.class.getName());
        cmd.add("--plugins");
        cmd.add(app.pluginDir().toAbsolutePath().toString());
        cmd.addAll(List.of("sweep", "run-point", root.toString()));
        Slurm slurm = new Slurm(settings.slurmBin());
        String script = slurm.batchScript(settings.sbatchOptions("gdln-" + sweep.experiment()),
                dir.resolve("logs").toAbsolutePath().resolve("%A_%a.out"), Path.of("").toAbsolutePath(),
                settings.setup(), settings.cpusPerTask(), cmd, settings.requeue());
        Path scriptFile = dir.resolve("job.sbatch");
        AtomicFiles.writeAtomically(scriptFile, script);
        String array = arraySpec(indices) + (settings.arrayParallelism() > 0 ? "%" + settings.arrayParallelism()
                : "");
        String jobId;
        try {
            jobId = slurm.submitArray(scriptFile.toAbsolutePath(), array);
        } catch (Slurm.SlurmException e) {
            app.err().println("gdln " + command + ": SLURM did not accept the job array: " + e.getMessage());
            app.err().println("nothing was submitted. The sweep folder " + root + " holds the points'"
                    + " configurations; once the cause is fixed (e.g. a launcher setting), submit them with:");
            app.err().println("  gdln sweep resubmit " + root + " [launcher.<key>=<value> ...]");
            return Main.FAILURE;
        }
        sweep.addSubmission(new SweepFolder.Submission(jobId, array));
        app.out().println("submitted " + indices.size() + " point" + (indices.size() == 1 ? "" : "s")
                + " as SLURM job array " + jobId + " (--array=" + array + ") -> " + root);
        app.out().println("  watch:   gdln sweep status --watch " + root);
        app.out().println("  collect: gdln sweep collect " + root);
        app.out().println("  cancel:  gdln sweep cancel " + root + "   (resume later: gdln sweep resubmit " + root
                + ")");
        app.out().println("  logs:    " + dir.resolve("logs").toAbsolutePath() + "/" + jobId + "_<point>.out");
        return Main.OK;
    }

    /** A subcommand on a sweep folder (its first parameter). */
    abstract static class OnSweep implements Callable<Integer> {
        @ParentCommand
        SweepCommand parent;

        @Parameters(index = "0", paramLabel = "SWEEP-FOLDER", description = "the sweep folder (printed by gdln run -m)")
        Path folder;

        @Override
        public Integer call() throws Exception {
            return call(parent.parent.app(), SweepFolder.read(folder));
        }

        abstract int call(App app, SweepFolder sweep) throws Exception;
    }

    /** {@code gdln sweep status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Each point: pending, running, completed, failed or interrupted.",
                    "From the run folders and SLURM's queue (squeue; no accounting database needed)."})
    static final class StatusCommand extends OnSweep {
        @Option(names = {"-w", "--watch"}, description = "refresh until no point is pending or running")
        boolean watch;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "10",
                description = "seconds between refreshes with --watch (default: ${DEFAULT-VALUE})")
        int interval;

        @Override
        int call(App app, SweepFolder sweep) throws Exception {
            if (interval < 1) {
                throw new Main.UsageException("--interval must be >= 1 second, was " + interval);
            }
            while (true) {
                List<PointState> states = states(sweep, app);
                if (watch && app.terminal()) {
                    app.out().print("\033[H\033[2J");
                }
                print(app, sweep, states);
                boolean active = states.stream().anyMatch(s -> s.state().queued());
                if (!watch || !active) {
                    return Main.OK;
                }
                Thread.sleep(interval * 1000L);
            }
        }

        private static void print(App app, SweepFolder sweep, List<PointState> states) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"point", "state", "detail"});
            Map<State, Integer> counts = new java.util.EnumMap<>(State.class);
            for (int i = 0; i < states.size(); i++) {
                PointState s = states.get(i);
                counts.merge(s.state(), 1, Integer::sum);
                rows.add(new String[] {sweep.points().get(i).folder(), s.state().word, s.detail()});
            }
            app.out().println("sweep " + sweep.experiment() + " (" + sweep.launcher() + ") at "
                    + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ": " + sweep.root());
            Summaries.table(app.out(), rows);
            List<String> parts = new ArrayList<>();
            counts.forEach((k, v) -> parts.add(v + " " + k.word));
            app.out().println(states.size() + " points: " + String.join(", ", parts));
            if (counts.containsKey(State.INTERRUPTED) || counts.containsKey(State.NOT_SUBMITTED)) {
                app.out().println("continue the unfinished points: gdln sweep resubmit " + sweep.root());
            }
        }
    }

    /** {@code gdln sweep collect}. */
    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = {"The summary table and plots of the finished points; names the missing ones.",
                    "Writes sweep-summary.csv, prints the table and draws the sweep plots, as a local sweep does at",
                    "its end."})
    static final class CollectCommand extends OnSweep {
        @Override
        int call(App app, SweepFolder sweep) throws Exception {
            List<PointState> states = states(sweep, app);
            List<RunExecutor.Outcome> outcomes = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                Optional<RunExecutor.Outcome> done = sweep.finalOutcome(i);
                PointState s = states.get(i);
                if (done.isPresent() && !s.state().queued()) {
                    outcomes.add(done.get());
                } else {
                    outcomes.add(sweep.placeholder(i, s.state().word, s.detail()));
                }
                if (s.state() != State.COMPLETED) {
                    missing.add(sweep.points().get(i).folder() + " (" + s.state().word + ")");
                }
            }
            sweep.report(app, outcomes, "sweep collect");
            int n = states.size();
            if (missing.isEmpty()) {
                app.out().println("all " + n + " points completed; summary: " + sweep.root().resolve(SweepTable.FILE));
                return Main.OK;
            }
            app.out().println((n - missing.size()) + " of " + n + " points completed; missing: "
                    + String.join(", ", missing) + "; summary: " + sweep.root().resolve(SweepTable.FILE));
            return Main.FAILURE;
        }
    }

    /** {@code gdln sweep resubmit}. */
    @Command(name = "resubmit", mixinStandardHelpOptions = true,
            description = {"Submits the unfinished points again, as a new SLURM job array.",
                    "The interrupted and never submitted points (with --failed also the failed ones); interrupted",
                    "points resume from their checkpoints; completed points are never rerun.",
                    "launcher.<key>=<value> changes a setting (e.g. the time limit); the others are those of the last",
                    "submission (or the defaults, for a local sweep)."})
    static final class ResubmitCommand extends OnSweep {
        @Parameters(index = "1..*", paramLabel = "launcher.KEY=VALUE", description = "launcher settings to change")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--failed", description = "also rerun the failed points (from the start)")
        boolean failed;

        @Override
        int call(App app, SweepFolder sweep) throws Exception {
            List<Assignment> given = new ArrayList<>();
            for (String o : overrides) {
                Assignment a;
                try {
                    a = Assignment.parse(o);
                } catch (IllegalArgumentException e) {
                    throw new Main.UsageException(e.getMessage());
                }
                if (!LauncherSettings.isLauncherKey(a.key())) {
                    throw new Main.UsageException("'" + o + "' is not a launcher setting: resubmit changes only"
                            + " launcher.<key>=<value> (a point's configuration is fixed in its config.conf)");
                }
                given.add(a);
            }
            Path stored = sweep.slurmDir().resolve("launcher.conf");
            Config storedLayer = Files.isRegularFile(stored) ? ConfigFactory.parseFile(stored.toFile())
                    : ConfigFactory.empty();
            LauncherSettings settings = LauncherSettings.bind(List.of(
                    LauncherSettings.layer(List.of(Assignment.parse(LauncherSettings.GROUP + "=slurm"))),
                    LauncherSettings.layer(given), storedLayer));
            List<PointState> states = states(sweep, app);
            if (states.stream().anyMatch(s -> s.state() == State.UNKNOWN)) {
                app.err().println("gdln sweep resubmit: not resubmitting: SLURM's queue could not be read, so some"
                        + " points may still be queued or running (see gdln sweep status " + sweep.root() + ")");
                return Main.FAILURE;
            }
            List<Integer> todo = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                State s = states.get(i).state();
                if (s == State.INTERRUPTED || s == State.NOT_SUBMITTED || (failed && s == State.FAILED)) {
                    todo.add(i);
                }
            }
            if (todo.isEmpty()) {
                app.out().println("nothing to resubmit: no point of " + sweep.root() + " is interrupted or unsubmitted"
                        + (failed ? " or failed" : " (failed points rerun with --failed)"));
                return Main.OK;
            }
            for (int i : todo) {
                Files.createDirectories(sweep.folder(i));
                if (!Files.isRegularFile(sweep.folder(i).resolve("config.conf"))) {
                    throw new Main.UsageException(sweep.folder(i) + " has no config.conf to run");
                }
            }
            return submit(app, sweep, settings, todo, "sweep resubmit");
        }
    }

    /** {@code gdln sweep cancel}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancels the sweep's SLURM job arrays (scancel).",
                    "Running points checkpoint and stop (interrupted); gdln sweep resubmit continues them."})
    static final class CancelCommand extends OnSweep {
        @Override
        int call(App app, SweepFolder sweep) throws Exception {
            Set<String> ids = new LinkedHashSet<>();
            for (SweepFolder.Submission s : sweep.submissions()) {
                ids.add(s.jobId());
            }
            if (ids.isEmpty()) {
                app.out().println("nothing to cancel: " + sweep.root() + " was never submitted to SLURM");
                return Main.OK;
            }
            Slurm slurm = slurm(sweep);
            try {
                Set<String> live = new LinkedHashSet<>();
                for (Slurm.QueuedTask t : slurm.queue(ids)) {
                    live.add(t.jobId());
                }
                if (live.isEmpty()) {
                    app.out().println("nothing to cancel: no task of " + sweep.root() + " is pending or running");
                    return Main.OK;
                }
                slurm.cancel(live);
                app.out().println("cancelled job array" + (live.size() == 1 ? " " : "s ") + String.join(", ", live)
                        + "; running points checkpoint and stop. Continue with: gdln sweep resubmit " + sweep.root());
                return Main.OK;
            } catch (Slurm.SlurmException e) {
                app.err().println("gdln sweep cancel: " + e.getMessage());
                return Main.FAILURE;
            }
        }
    }

    /** {@code gdln sweep run-point}: what a SLURM array task runs (hidden). */
    @Command(name = "run-point", hidden = true,
            description = "Runs one point of a sweep folder in its run folder: resumes it from its checkpoint if it"
                    + " has one, does nothing if it is complete.")
    static final class RunPointCommand extends OnSweep {
        @Parameters(index = "1", paramLabel = "INDEX")
        int index;

        @Override
        int call(App app, SweepFolder sweep) throws Exception {
            if (index < 0 || index >= sweep.points().size()) {
                throw new Main.UsageException("point " + index + " does not exist: " + folder + " has "
                        + sweep.points().size() + " points");
            }
            Path point = sweep.folder(index);
            String label = sweep.points().get(index).label();
            Status status = Files.isRegularFile(point.resolve(Status.FILE)) ? Status.read(point) : null;
            if (status != null && status.state() == Status.State.COMPLETED) {
                app.out().println(point + " is complete; not rerun");
                return Main.OK;
            }
            boolean resume = status != null && status.state() != Status.State.FAILED
                    && Files.isRegularFile(point.resolve(Checkpoint.FILE));
            RunExecutor.Options options = new RunExecutor.Options(app.out(), null, label);
            app.interrupts().installHook(120_000);
            try {
                RunExecutor.Outcome o;
                if (resume) {
                    RunConfig config = RunFolderConfig.read(app, point,
                            List.of(Assignment.parse("trainer.stop-after-epoch=0")));
                    o = new RunExecutor(app).resume(config, point, options, Checkpoint.read(point));
                } else {
                    o = new RunExecutor(app).run(RunFolderConfig.read(app, point, List.of()), point, options);
                }
                Summaries.print(app.out(), o);
                return o.status().state() == Status.State.COMPLETED ? Main.OK : Main.FAILURE;
            } finally {
                app.interrupts().removeHook();
            }
        }
    }
}
