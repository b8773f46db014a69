package io.github.gdln.cli.commands;

import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.run.MetricsCsv;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gdln reproduce}: re-runs a run folder's resolved configuration into a new folder and compares the metrics
 * with the original's.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Re-runs a run folder's resolved configuration (config.conf, same root seed) into a new folder",
                "and compares its metrics.csv with the original's: identical, or the largest difference."})
public final class ReproduceCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "RUN-FOLDER", description = "the run folder to reproduce")
    Path folder;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
            description = "where the new run folder goes (default: ${DEFAULT-VALUE})")
    Path runsDir;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        App app = parent.app();
        RunConfig config = RunFolderConfig.read(app, folder, List.of());
        Path target = RunFolders.create(runsDir, config.experiment().name());
        app.interrupts().installHook(120_000);
        RunExecutor.Outcome o;
        try {
            o = new RunExecutor(app).run(config, target, new RunExecutor.Options(quiet ? null : app.out(),
                    quiet ? null : app.err(), ""));
        } finally {
            app.interrupts().removeHook();
        }
        Summaries.print(app.out(), o);
        if (o.status().state() != Status.State.COMPLETED) {
            return Main.FAILURE;
        }
        Path original = folder.resolve("metrics.csv");
        if (!Files.isRegularFile(original)) {
            app.out().println("the original has no metrics.csv to compare with");
            return Main.OK;
        }
        byte[] a = Files.readAllBytes(original);
        byte[] b = Files.readAllBytes(target.resolve("metrics.csv"));
        if (java.util.Arrays.equals(a, b)) {
            app.out().println("reproduced: metrics.csv is identical to " + original);
            return Main.OK;
        }
        MetricsCsv.Table ta = MetricsCsv.read(original);
        MetricsCsv.Table tb = MetricsCsv.read(target.resolve("metrics.csv"));
        double worst = 0;
        String where = "";
        int rows = Math.min(ta.rows().size(), tb.rows().size());
        for (String col : ta.columns()) {
            double[] x = ta.column(col);
            double[] y = tb.column(col);
            if (y == null) {
                continue;
            }
            for (int i = 0; i < rows; i++) {
                double d = Math.abs(x[i] - y[i]) / Math.max(1e-300, Math.max(Math.abs(x[i]), Math.abs(y[i])));
                if (d > worst) {
                    worst = d;
                    where = col + " at row " + (i + 1);
                }
            }
        }
        app.out().printf(Locale.ROOT, "NOT identical: %d vs %d rows; largest relative difference %.3g (%s)%n",
                ta.rows().size(), tb.rows().size(), worst, where);
        return Main.FAILURE;
    }
}
