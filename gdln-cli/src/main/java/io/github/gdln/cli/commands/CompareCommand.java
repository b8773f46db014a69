package io.github.gdln.cli.commands;

import io.github.gdln.cli.App;
import io.github.gdln.cli.GdlnCommand;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.run.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.gdln.core.theory.TrajectoryComparison;
import io.github.gdln.core.train.Trajectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gdln compare}: the theory's prediction against the simulation of one run: the loss at chosen epochs, the
 * epochs at which the loss crosses the midpoints between its plateaus, the final singular values against the
 * predicted fixed points, and gdln-core's {@link TrajectoryComparison} (max/mean absolute and relative deviation of
 * the loss and of the tracked singular values, point by point).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares a run's simulation (metrics.csv) with the theory's prediction (theory.csv):",
                "loss at checkpoints, loss-step crossing epochs, final singular values vs the predicted fixed points."})
public final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    GdlnCommand parent;

    @Parameters(paramLabel = "RUN-FOLDER", description = "a run folder")
    Path folder;

    @Option(names = "--levels", split = ",", paramLabel = "L1,L2,...",
            description = "loss levels whose crossing epochs to compare (default: midpoints between the theory's"
                    + " plateaus)")
    List<Double> levels;

    @Override
    public Integer call() throws Exception {
        App app = parent.app();
        if (!Files.isRegularFile(folder.resolve("metrics.csv"))) {
            throw new Main.UsageException(folder + " is not a run folder with metrics (no metrics.csv)");
        }
        if (!Files.isRegularFile(folder.resolve("theory.csv"))) {
            String why = "";
            if (Files.isRegularFile(folder.resolve("summary.json"))) {
                why = Files.readAllLines(folder.resolve("summary.json")).stream()
                        .filter(l -> l.contains("\"theory\"")).findFirst().orElse("").trim();
            }
            app.err().println("gdln compare: the run has no theory prediction (theory.csv)" + (why.isEmpty() ? ""
                    : ": " + why));
            return Main.FAILURE;
        }
        MetricsCsv.Table sim = MetricsCsv.read(folder.resolve("metrics.csv"));
        MetricsCsv.Table th = MetricsCsv.read(folder.resolve("theory.csv"));
        double[] se = sim.column("epoch");
        double[] sl = sim.column("loss");
        double[] te = th.column("epoch");
        double[] tl = th.column("loss");
        var out = app.out();
        out.println("theory vs simulation: " + folder);
        String theoryName = theoryName(folder);
        if (!theoryName.isEmpty()) {
            out.println("theory: " + theoryName);
        }
        if (theoryName.contains("approximate")) {
            out.println("approximate: start projected from random weights (the run's start is not aligned; the"
                    + " errors below measure the approximation)");
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"epoch", "loss (simulation)", "loss (theory)", "difference"});
        double last = se[se.length - 1];
        for (double f : new double[] {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0}) {
            double e = Math.round(last * f);
            double a = at(se, sl, e);
            double b = at(te, tl, e);
            rows.add(new String[] {MetricsCsv.num(e), fmt(a), fmt(b), fmt(a - b)});
        }
        Summaries.table(out, rows);
        List<Double> lv = levels != null ? levels : midpoints(tl);
        if (!lv.isEmpty()) {
            out.println();
            List<String[]> cr = new ArrayList<>();
            cr.add(new String[] {"loss level", "crossing (simulation)", "crossing (theory)", "difference (epochs)",
                "relative"});
            for (double level : lv) {
                double a = crossing(se, sl, level);
                double b = crossing(te, tl, level);
                cr.add(new String[] {fmt(level), fmt(a), fmt(b), fmt(a - b),
                    Double.isNaN(a - b) ? "-" : String.format(Locale.ROOT, "%+.1f %%", 100 * (a - b) / a)});
            }
            Summaries.table(out, cr);
        }
        Path fp = folder.resolve("theory-fixed-points.csv");
        if (Files.isRegularFile(fp)) {
            List<String> lines = Files.readAllLines(fp);
            if (lines.size() > 1) {
                out.println();
                List<String[]> sv = new ArrayList<>();
                sv.add(new String[] {"edge", "mode", "final (simulation)", "fixed point (theory)", "relative gap"});
                for (String l : lines.subList(1, lines.size())) {
                    String[] p = l.split(",");
                    double[] col = sim.column("sv." + p[0] + "." + p[1]);
                    if (col == null) {
                        continue;
                    }
                    double a = col[col.length - 1];
                    double b = Double.parseDouble(p[2]);
                    sv.add(new String[] {p[0], p[1], fmt(a), fmt(b), fmt((a - b) / b)});
                }
                Summaries.table(out, sv);
            }
        }
        TrajectoryComparison tc = TrajectoryComparison.of(trajectory(th), trajectory(sim));
        out.println();
        out.println("point by point (gdln-core TrajectoryComparison, theory interpolated at the simulation's "
                + tc.points() + " measured epochs):");
        List<String[]> dev = new ArrayList<>();
        dev.add(new String[] {"quantity", "max |Δ|", "mean |Δ|", "max relative", "mean relative"});
        dev.add(new String[] {"loss", fmt(tc.lossMaxAbs()), fmt(tc.lossMeanAbs()), fmt(tc.lossMaxRel()),
                fmt(tc.lossMeanRel())});
        if (!sim.columnsStartingWith("sv.").isEmpty()) {
            dev.add(new String[] {"singular values", fmt(tc.singularMaxAbs()), fmt(tc.singularMeanAbs()),
                    fmt(tc.singularMaxRel()), fmt(tc.singularMeanRel())});
        }
        Summaries.table(out, dev);
        out.println();
        out.printf(Locale.ROOT, "largest loss gap over the run: %.4g (initial loss %.4g)%n", tc.lossMaxAbs(), sl[0]);
        return Main.OK;
    }

    /** The prediction's name recorded in summary.json ("theory" entry), or empty. */
    private static String theoryName(Path folder) throws java.io.IOException {
        Path summary = folder.resolve("summary.json");
        if (!Files.isRegularFile(summary)) {
            return "";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"theory\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(Files.readString(summary));
        return m.find() ? m.group(1) : "";
    }

    /** A metrics or theory table as a core trajectory (epoch, loss, trained/untrained loss, sv.EDGE.K columns). */
    static Trajectory trajectory(MetricsCsv.Table t) {
        double[] epoch = t.column("epoch");
        double[] loss = t.column("loss");
        double[] trained = t.column("trained_loss");
        double[] untrained = t.column("untrained_loss");
        Map<String, List<double[]>> sv = new LinkedHashMap<>();
        for (String c : t.columnsStartingWith("sv.")) {
            String edge = c.substring(3, c.lastIndexOf('.'));
            sv.computeIfAbsent(edge, k -> new ArrayList<>()).add(t.column(c));
        }
        List<Trajectory.Point> points = new ArrayList<>();
        for (int i = 0; i < epoch.length; i++) {
            Map<String, double[]> s = new LinkedHashMap<>();
            for (Map.Entry<String, List<double[]>> e : sv.entrySet()) {
                double[] v = new double[e.getValue().size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = e.getValue().get(k)[i];
                }
                s.put(e.getKey(), v);
            }
            double u = untrained == null ? Double.NaN : untrained[i];
            points.add(new Trajectory.Point(epoch[i], loss[i], trained == null ? Double.NaN : trained[i],
                    Double.isNaN(u) ? OptionalDouble.empty() : OptionalDouble.of(u), OptionalDouble.empty(),
                    OptionalDouble.empty(), new double[0], s));
        }
        return new Trajectory(List.of(), new boolean[0], points);
    }

    /** Midpoints between the plateaus of a staircase loss: levels where the loss falls fastest, found coarsely. */
    private static List<Double> midpoints(double[] loss) {
        List<Double> plateaus = new ArrayList<>();
        int n = loss.length;
        int window = Math.max(3, n / 50);
        for (int i = 0; i + window < n; i++) {
            double a = loss[i];
            double b = loss[i + window];
            if (Math.abs(a - b) < 1e-3 * Math.max(1, loss[0])) {
                if (plateaus.isEmpty() || Math.abs(plateaus.get(plateaus.size() - 1) - a) > 0.02 * loss[0]) {
                    plateaus.add(a);
                }
            }
        }
        List<Double> mids = new ArrayList<>();
        for (int i = 1; i < plateaus.size(); i++) {
            if (plateaus.get(i) < plateaus.get(i - 1)) {
                mids.add((plateaus.get(i - 1) + plateaus.get(i)) / 2);
            }
        }
        return mids;
    }

    private static double at(double[] x, double[] y, double e) {
        for (int i = 1; i < x.length; i++) {
            if (x[i] >= e) {
                double t = (e - x[i - 1]) / (x[i] - x[i - 1]);
                return y[i - 1] + t * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }

    private static double crossing(double[] x, double[] y, double level) {
        for (int i = 1; i < x.length; i++) {
            if (y[i - 1] >= level && y[i] < level) {
                return x[i - 1] + (y[i - 1] - level) / (y[i - 1] - y[i]) * (x[i] - x[i - 1]);
            }
        }
        return Double.NaN;
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.4g", d);
    }
}
