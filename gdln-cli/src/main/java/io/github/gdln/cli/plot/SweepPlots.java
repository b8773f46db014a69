package io.github.gdln.cli.plot;

import io.github.gdln.cli.commands.SweepTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * Sweep summary plots: for every numeric axis, the final mean loss per trained and per untrained pathway (and the
 * accuracies, for classification) against the axis value, mean +- standard deviation over the other axes
 * (e.g. seeds): untrained error vs K/M, vs the init scale. Written as {@code sweep-<axis>.png/svg}.
 */
public final class SweepPlots {
    private SweepPlots() {
    }

    /** Writes the sweep's summary plots; returns the PNGs. */
    public static List<Path> write(Path root, SweepTable table) throws IOException {
        List<Path> out = new ArrayList<>();
        for (int a = 0; a < table.axes().size(); a++) {
            String axis = table.axes().get(a);
            Map<Double, List<Integer>> groups = new TreeMap<>();
            boolean numeric = true;
            for (int i = 0; i < table.values().size(); i++) {
                try {
                    groups.computeIfAbsent(Double.parseDouble(table.values().get(i).get(a)), k -> new ArrayList<>())
                            .add(i);
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (!numeric || groups.size() < 2 || axis.equals("seed")) {
                continue;
            }
            boolean acc = hasAny(table, "trained_accuracy");
            String[] metrics = acc ? new String[] {"trained_accuracy", "untrained_accuracy"}
                    : new String[] {"trained_loss", "untrained_loss"};
            XYChart c = Charts.lines((acc ? "Final accuracy" : "Final loss per pathway") + " vs " + axis
                    + " (mean +- std over the other axes)", axis, acc ? "accuracy" : "mean loss per pathway");
            for (int k = 0; k < metrics.length; k++) {
                double[] x = new double[groups.size()];
                double[] mean = new double[groups.size()];
                double[] std = new double[groups.size()];
                int g = 0;
                for (Map.Entry<Double, List<Integer>> e : groups.entrySet()) {
                    double s = 0;
                    double s2 = 0;
                    int n = 0;
                    for (int i : e.getValue()) {
                        double v = table.metric(i, metrics[k]);
                        if (table.completed(i) && Double.isFinite(v)) {
                            s += v;
                            s2 += v * v;
                            n++;
                        }
                    }
                    x[g] = e.getKey();
                    mean[g] = n > 0 ? s / n : Double.NaN;
                    std[g] = n > 1 ? Math.sqrt(Math.max(0, (s2 - s * s / n) / (n - 1))) : 0;
                    g++;
                }
                if (java.util.Arrays.stream(mean).allMatch(Double::isNaN)) {
                    continue;
                }
                Charts.errorBars(c, k == 0 ? "trained pathways" : "untrained pathways", x, nanToZero(mean), std,
                        k == 0 ? Charts.TRAINED : Charts.UNTRAINED);
            }
            if (c.getSeriesMap().isEmpty()) {
                continue;
            }
            Path base = root.resolve("sweep-" + axis.replaceAll("[^A-Za-z0-9_.-]", "_"));
            Charts.save(c, base);
            out.add(base.resolveSibling(base.getFileName() + ".png"));
        }
        return out;
    }

    private static boolean hasAny(SweepTable t, String metric) {
        for (int i = 0; i < t.outcomes().size(); i++) {
            if (Double.isFinite(t.metric(i, metric))) {
                return true;
            }
        }
        return false;
    }

    private static double[] nanToZero(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            if (Double.isNaN(o[i])) {
                o[i] = 0;
            }
        }
        return o;
    }
}
