package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Binder;
import io.github.gdln.cli.config.Composer;
import io.github.gdln.cli.config.ConfigProblems;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.Problem;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.launch.LauncherSettings;
import io.github.gdln.cli.run.AtomicFiles;
import io.github.gdln.cli.run.Json;
import io.github.gdln.cli.run.KPathEngine;
import io.github.gdln.cli.run.Progress;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gdln run}: one run, or a sweep with {@code -m}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs an experiment with key=value overrides, or a sweep over comma-separated values (-m).",
                "Writes runs/<experiment>/<date-time>/ (a sweep: one sub-folder per point and sweep-summary.csv)."},
        footer = {"", "Overrides (Hydra style): key=value sets a key (unknown keys fail, with the nearest valid key),",
                "+key=value adds one, task=xor switches a component group. Values are HOCON: 0.02, abc, [a,b].",
                "Sweep values: a,b,c or range(start,stop[,step]).",
                "", "Examples:",
                "  gdln run routing-toy",
                "  gdln run routing-toy init.scheme=orthogonal init.scale=0.2 trainer.epochs=300",
                "  gdln run -m routing-toy gating.K=1,2,3,4 seed=1,2 --workers 2",
                "  gdln run -m routing-toy gating.K=1,2,3,4 --launcher slurm launcher.time=1:00:00  (a SLURM job array)",
                "  gdln run km-sweep                 (a sweep defined in the experiment file)"})
public final class RunCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "EXPERIMENT|key=value", arity = "1..*",
            description = "the experiment (a name from 'gdln list', or a .conf file) and overrides, in any order",
            completionCandidates = ExperimentNames.class)
    List<String> positional;

    @Option(names = {"-m", "--multirun"}, description = "sweep: run the cartesian product of comma-separated values")
    boolean multirun;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a HOCON file layered over the experiment")
    Path configFile;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
            description = "where run folders go (default: ${DEFAULT-VALUE})")
    Path runsDir;

    @Option(names = {"-j", "--workers"}, paramLabel = "N", defaultValue = "0",
            description = "sweep points run in parallel (default: the number of processors, at most the points)")
    int workers;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Option(names = "--launcher", paramLabel = "NAME", description = "where sweep points run: local (threads in"
            + " this JVM, the default) or slurm (one job array; settings: launcher.<key>=<value>, see README)")
    String launcher;

    @Option(names = "--dry-run", description = "check every point's configuration and list the points with their"
            + " resolved configuration, without running (exit 2 when any point has a problem)")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        App app = parent.app();
        ConfigArgs args = ConfigArgs.parse(positional);
        Config experiment = args.experimentLayer(app);
        Config user = ConfigArgs.userLayer(configFile);
        LauncherSettings launch = args.launcher(launcher, user, experiment);
        experiment = ConfigArgs.withoutLauncher(experiment);
        user = ConfigArgs.withoutLauncher(user);
        List<Assignment> fixed = new ArrayList<>();
        Config expSweep = experiment.hasPath("experiment.sweep") ? experiment.getConfig("experiment.sweep") : null;
        Sweep sweep = Sweep.of(args.runOverrides(), multirun, expSweep, fixed);
        List<RunConfig> configs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (List<Assignment> point : sweep.points()) {
            List<Assignment> all = new ArrayList<>(fixed);
            all.addAll(point);
            try {
                configs.add(Binder.bind(app.composer(), app.composer().compose(experiment, user, all)));
            } catch (ConfigProblems e) {
                for (Problem p : e.problems()) {
                    Problem q = sweep.isSweep() ? new Problem(p.key(), p.value(), p.origin(), p.message()
                            + " [sweep point " + Sweep.label(point) + "]", p.suggestion()) : p;
                    if (!problems.contains(q)) {
                        problems.add(q);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        if (workers < 0) {
            throw new Main.UsageException("--workers must be >= 0, was " + workers);
        }
        if (dryRun) {
            return list(app, sweep, configs);
        }
        if (launch.name().equals("slurm")) {
            return SweepCommand.submitNew(app, RunFolders.create(runsDir, configs.get(0).experiment().name()), sweep,
                    configs, launch);
        }
        app.interrupts().installHook(120_000);
        try {
            if (!sweep.isSweep()) {
                return single(app, configs.get(0));
            }
            return sweep(app, sweep, configs);
        } finally {
            app.interrupts().removeHook();
        }
    }

    /**
     * --dry-run: the checks that need no data ({@link KPathEngine#routingProblems}) on every point, all problems
     * reported together (exit 2); then one line per point, its label and its resolved configuration as one-line JSON.
     */
    private static int list(App app, Sweep sweep, List<RunConfig> configs) {
        int n = configs.size();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (String why : KPathEngine.routingProblems(app.registry(), configs.get(i))) {
                problems.add(new Problem("gating.K", String.valueOf(configs.get(i).gating().params().get("K")), "",
                        why + " [sweep point " + Sweep.label(sweep.points().get(i)) + "]", ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        app.out().println(configs.get(0).experiment().name() + ": " + n + (n == 1 ? " point" : " points")
                + ", every configuration valid (dry run, nothing was run)");
        for (int i = 0; i < n; i++) {
            String label = Sweep.label(sweep.points().get(i));
            app.out().println("[" + (i + 1) + "/" + n + "] " + (label.isEmpty() ? "-" : label) + " "
                    + configs.get(i).resolved().root().render(ConfigRenderOptions.concise()));
        }
        return Main.OK;
    }

    private int single(App app, RunConfig config) throws Exception {
        Path folder = RunFolders.create(runsDir, config.experiment().name());
        RunExecutor.Outcome o = new RunExecutor(app).run(config, folder, new RunExecutor.Options(
                quiet ? null : app.out(), quiet ? null : app.err(), ""));
        Summaries.print(app.out(), o);
        return o.status().state() == Status.State.COMPLETED ? Main.OK : Main.FAILURE;
    }

    private int sweep(App app, Sweep sweep, List<RunConfig> configs) throws Exception {
        String name = configs.get(0).experiment().name();
        Path root = RunFolders.create(runsDir, name);
        int n = configs.size();
        int w = workers > 0 ? workers : Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
        SweepFolder sweepFolder = SweepFolder.create(root, name, sweep,
                io.github.gdln.cli.run.Provenance.commandLine(app.args()), "local", w);
        app.out().println("sweep " + name + ": " + n + " points over " + String.join(", ", sweep.axes().keySet())
                + ", " + w + " in parallel -> " + root);
        Progress progress = quiet ? null : new Progress(app.err(), app.terminal(), name, "point", n, 10);
        ExecutorService pool = Executors.newFixedThreadPool(w, r -> {
            Thread t = new Thread(r, "gdln-sweep");
            t.setDaemon(true);
            return t;
        });
        List<Future<RunExecutor.Outcome>> futures = new ArrayList<>();
        int[] done = {0};
        for (int i = 0; i < n; i++) {
            RunConfig c = configs.get(i);
            List<Assignment> point = sweep.points().get(i);
            Path folder = root.resolve(Sweep.folderName(i, n, point));
            String label = Sweep.label(point);
            futures.add(pool.submit(() -> {
                RunExecutor.Outcome o;
                if (app.interrupts().requested()) {
                    java.nio.file.Files.createDirectories(folder);
                    Status s = new Status(Status.State.INTERRUPTED, "not started: the sweep was interrupted");
                    s.write(folder);
                    Map<String, Object> sum = new LinkedHashMap<>();
                    sum.put("status", "interrupted");
                    sum.put("reason", s.reason());
                    sum.put("sweep_point", label);
                    AtomicFiles.writeAtomically(folder.resolve("summary.json"), Json.write(sum));
                    o = new RunExecutor.Outcome(folder, s, sum);
                } else {
                    o = new RunExecutor(app).run(c, folder, new RunExecutor.Options(null, null, label));
                }
                synchronized (done) {
                    done[0]++;
                    if (progress != null) {
                        progress.update(done[0], label + " " + o.status().state().word());
                    }
                }
                return o;
            }));
        }
        pool.shutdown();
        List<RunExecutor.Outcome> outcomes = new ArrayList<>();
        for (Future<RunExecutor.Outcome> f : futures) {
            outcomes.add(f.get());
        }
        sweepFolder.report(app, outcomes, "run");
        long failed = outcomes.stream().filter(o -> o.status().state() != Status.State.COMPLETED).count();
        app.out().println(failed == 0 ? "all " + n + " points completed; summary: " + root.resolve(SweepTable.FILE)
                : failed + " of " + n + " points did not complete (see the table); summary: "
                + root.resolve(SweepTable.FILE));
        return failed == 0 ? Main.OK : Main.FAILURE;
    }
}
