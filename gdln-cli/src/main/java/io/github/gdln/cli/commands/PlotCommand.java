package io.github.gdln.cli.commands;

import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.plot.Charts;
import io.github.gdln.cli.plot.RunPlots;
import io.github.gdln.cli.run.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gdln plot}: redraws a run's plots, or overlays the loss curves of several runs. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Redraws the plots of a run folder from its files (PNG and SVG). With several folders, also",
                "draws their loss curves (total, trained, untrained) in one chart."})
public final class PlotCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "RUN-FOLDER", arity = "1..*", description = "run folders")
    List<Path> folders;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "where the overlay of several runs goes (default: the current folder)")
    Path out;

    @Override
    public Integer call() throws Exception {
        App app = parent.app();
        for (Path f : folders) {
            if (!Files.isRegularFile(f.resolve("metrics.csv"))) {
                throw new Main.UsageException(f + " is not a run folder with metrics (no metrics.csv)");
            }
        }
        for (Path f : folders) {
            List<Path> written = RunPlots.fromFiles(f);
            app.out().println(f + ": " + String.join(", ", written.stream().map(p -> p.getFileName().toString())
                    .toList()) + " (and .svg)");
        }
        if (folders.size() > 1) {
            XYChart c = Charts.lines("Loss of " + folders.size() + " runs (solid: trained pathways, dashed:"
                    + " untrained)", "epoch", "mean loss per pathway");
            int i = 0;
            for (Path f : folders) {
                MetricsCsv.Table m = MetricsCsv.read(f.resolve("metrics.csv"));
                var color = Charts.PALETTE[i++ % Charts.PALETTE.length];
                String name = f.getParent() == null ? f.toString() : f.getParent().getFileName() + "/" + f.getFileName();
                Charts.line(c, name, m.column("epoch"), m.column("trained_loss"), color, 2f);
                if (m.hasValues("untrained_loss")) {
                    var s = Charts.dashed(c, name + " untrained", m.column("epoch"), m.column("untrained_loss"), color);
                    if (s != null) {
                        s.setShowInLegend(false);
                    }
                }
            }
            Path dir = out == null ? Path.of(".") : out;
            Files.createDirectories(dir);
            Charts.save(c, dir.resolve("runs-loss"));
            app.out().println("overlay: " + dir.resolve("runs-loss.png") + " (and .svg)");
        }
        return Main.OK;
    }
}
