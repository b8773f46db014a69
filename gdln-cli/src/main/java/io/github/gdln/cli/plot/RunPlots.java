package io.github.gdln.cli.plot;

import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.run.MetricsCsv;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.GatedNetwork;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The plots of a run folder, each as PNG and SVG:
 * <ul>
 *   <li>{@code loss}: the training loss vs epoch, theory dashed;</li>
 *   <li>{@code loss-pathways}: mean loss per trained and per untrained pathway (context), theory dashed;</li>
 *   <li>{@code singular-values}: the tracked edges' singular values vs epoch, theory dashed, predicted fixed points
 *       dotted;</li>
 *   <li>{@code accuracy}: accuracy on trained and untrained pathways (classification tasks);</li>
 *   <li>{@code gates}: the trained-pathway matrix (input domain x output domain) of routing tasks;</li>
 *   <li>{@code rsa} and {@code outputs}: the representation-similarity grid and the output grid of the routing
 *       network (docs/theory.md §3.2), from the final weights.</li>
 * </ul>
 * Everything but the grids is drawn from the folder's files, so {@code gdln plot} redraws it.
 */
public final class RunPlots {
    private RunPlots() {
    }

    /** Writes every plot the folder's files (and, for the grids, the trained network) support. */
    public static List<Path> write(Path folder, Simulation sim, RunConfig config) throws IOException {
        List<Path> out = fromFiles(folder);
        if (sim != null && config.experiment().grids()) {
            out.addAll(Grids.write(folder, sim));
        }
        return out;
    }

    /** The plots drawn from metrics.csv, theory.csv and contexts.csv. */
    public static List<Path> fromFiles(Path folder) throws IOException {
        List<Path> written = new ArrayList<>();
        MetricsCsv.Table m = MetricsCsv.read(folder.resolve("metrics.csv"));
        MetricsCsv.Table theory = Files.isRegularFile(folder.resolve("theory.csv"))
                ? MetricsCsv.read(folder.resolve("theory.csv")) : null;
        Map<String, Double> fixed = fixedPoints(folder.resolve("theory-fixed-points.csv"));
        String name = folder.getParent() == null ? folder.toString() : folder.getParent().getFileName() + "/"
                + folder.getFileName();
        double[] epoch = m.column("epoch");

        XYChart loss = Charts.lines("Training loss: " + name, "epoch", "loss");
        Charts.line(loss, "simulation", epoch, m.column("loss"), Charts.PALETTE[0], 2.5f);
        if (theory != null) {
            Charts.dashed(loss, "theory", theory.column("epoch"), theory.column("loss"), Color.BLACK);
        }
        written.add(save(loss, folder.resolve("loss")));

        XYChart paths = Charts.lines("Loss per pathway: " + name, "epoch", "mean loss per pathway");
        Charts.line(paths, "trained pathways", epoch, m.column("trained_loss"), Charts.TRAINED, 2.5f);
        if (m.hasValues("untrained_loss")) {
            Charts.line(paths, "untrained pathways", epoch, m.column("untrained_loss"), Charts.UNTRAINED, 2.5f);
        }
        if (theory != null) {
            Charts.dashed(paths, "theory (every pathway)", theory.column("epoch"), theory.column("trained_loss"),
                    Color.BLACK);
        }
        written.add(save(paths, folder.resolve("loss-pathways")));

        List<String> sv = m.columnsStartingWith("sv.");
        if (!sv.isEmpty() && sv.stream().anyMatch(m::hasValues)) {
            XYChart s = Charts.lines("Singular values: " + name, "epoch", "singular value");
            Map<String, Integer> edgeColor = new LinkedHashMap<>();
            boolean theoryShown = false;
            boolean fixedShown = false;
            for (String col : sv) {
                String edge = col.substring(3, col.lastIndexOf('.'));
                boolean firstOfEdge = !edgeColor.containsKey(edge);
                int color = edgeColor.computeIfAbsent(edge, e -> edgeColor.size());
                String mode = col.substring(col.lastIndexOf('.') + 1);
                Color c = Charts.PALETTE[color % Charts.PALETTE.length];
                var line = Charts.line(s, firstOfEdge ? edge : edge + " mode " + mode, epoch, m.column(col), c, 2f);
                if (line != null) {
                    line.setShowInLegend(firstOfEdge);
                }
                if (theory != null && theory.column(col) != null) {
                    var t = Charts.dashed(s, theoryShown ? edge + " mode " + mode + " theory" : "theory",
                            theory.column("epoch"), theory.column(col), theoryShown ? c.darker() : Color.BLACK);
                    if (t != null) {
                        t.setShowInLegend(!theoryShown);
                        t.setLineColor(c.darker());
                        theoryShown = true;
                    }
                }
                Double f = fixed.get(edge + "." + mode);
                if (f != null) {
                    var h = Charts.hline(s, fixedShown ? edge + " mode " + mode + " fixed point"
                            : "predicted fixed points", epoch[0], epoch[epoch.length - 1], f, c);
                    if (h != null) {
                        h.setShowInLegend(!fixedShown);
                        fixedShown = true;
                    }
                }
            }
            s.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
            written.add(save(s, folder.resolve("singular-values")));
        }

        if (m.hasValues("trained_accuracy")) {
            XYChart a = Charts.lines("Accuracy: " + name, "epoch", "accuracy");
            boolean test = m.hasValues("test_trained_accuracy");
            String split = test ? " (train)" : "";
            if (test) {
                Charts.line(a, "trained pathways (test)", epoch, m.column("test_trained_accuracy"), Charts.TRAINED,
                        2.5f);
                if (m.hasValues("test_untrained_accuracy")) {
                    Charts.line(a, "untrained pathways (test)", epoch, m.column("test_untrained_accuracy"),
                            Charts.UNTRAINED, 2.5f);
                }
                Charts.dashed(a, "trained pathways (train)", epoch, m.column("trained_accuracy"), Charts.TRAINED);
                if (m.hasValues("untrained_accuracy")) {
                    Charts.dashed(a, "untrained pathways (train)", epoch, m.column("untrained_accuracy"),
                            Charts.UNTRAINED);
                }
            } else {
                Charts.line(a, "trained pathways" + split, epoch, m.column("trained_accuracy"), Charts.TRAINED, 2.5f);
                if (m.hasValues("untrained_accuracy")) {
                    Charts.line(a, "untrained pathways", epoch, m.column("untrained_accuracy"), Charts.UNTRAINED,
                            2.5f);
                }
            }
            a.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
            written.add(save(a, folder.resolve("accuracy")));
        }

        Path gates = Grids.gateMatrix(folder);
        if (gates != null) {
            written.add(gates);
        }
        return written;
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path base) throws IOException {
        Charts.save(c, base);
        return base.resolveSibling(base.getFileName() + ".png");
    }

    private static Map<String, Double> fixedPoints(Path file) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        for (String l : lines.subList(1, lines.size())) {
            String[] p = l.split(",");
            if (p.length == 3 && !p[2].isEmpty()) {
                out.put(p[0] + "." + p[1], Double.parseDouble(p[2]));
            }
        }
        return out;
    }

    /** The routing network's grids, from the trained network. */
    static final class Grids {
        private Grids() {
        }

        static Path gateMatrix(Path folder) throws IOException {
            Path f = folder.resolve("contexts.csv");
            if (!Files.isRegularFile(f)) {
                return null;
            }
            List<String> lines = Files.readAllLines(f);
            int m = 0;
            List<int[]> cells = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                String[] p = l.split(",");
                int trained = Integer.parseInt(p[p.length - 3]);
                int in = Integer.parseInt(p[p.length - 2]);
                int out = Integer.parseInt(p[p.length - 1]);
                if (in < 0 || out < 0) {
                    return null;
                }
                m = Math.max(m, Math.max(in, out) + 1);
                cells.add(new int[] {in, out, trained});
            }
            if (m < 2) {
                return null;
            }
            double[][] g = new double[m][m];
            int count = 0;
            for (int[] c : cells) {
                g[c[0]][c[1]] = c[2];
                count += c[2];
            }
            var chart = Charts.heatMap("Trained pathways (" + count + " of " + m * m + ", K/M = "
                    + String.format(java.util.Locale.ROOT, "%.2f", count / (double) (m * m)) + ")",
                    "output domain j", "input domain i", g, 0, 1, true);
            Path base = folder.resolve("gates");
            Charts.save(chart, base);
            return folder.resolve("gates.png");
        }

        /** RSA and output grids for the routing architecture with two hidden layers; nothing otherwise. */
        static List<Path> write(Path folder, Simulation sim) throws IOException {
            List<Path> out = new ArrayList<>();
            GatedNetwork net = sim.network();
            var data = sim.task().data();
            int m = (int) data.inputWidths().keySet().stream().filter(k -> k.matches("in\\d+")).count();
            if (m < 2 || !hasEdges(net, m)) {
                return out;
            }
            int p = data.sampleCount();
            if (p > 32) {
                return out;
            }
            int[] all = java.util.stream.IntStream.range(0, p).toArray();
            double[][][] codes = new double[m][][];
            double[][][] outputs = new double[m * m][][];
            double[][] w2 = net.weight("shared1").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < m; i++) {
                int nIn = data.inputWidths().get("in" + i);
                double[] x = new double[p * nIn];
                data.input("in" + i, all, x);
                double[][] w1 = matrix(net, "enc" + i);
                codes[i] = times(w1, transpose(x, p, nIn)); // hidden x items
            }
            double[][] rsa = new double[m * p][m * p];
            double max = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    for (int a = 0; a < p; a++) {
                        for (int b = 0; b < p; b++) {
                            double dot = 0;
                            for (int h = 0; h < codes[i].length; h++) {
                                dot += codes[i][h][a] * codes[j][h][b];
                            }
                            rsa[i * p + a][j * p + b] = dot;
                            max = Math.max(max, Math.abs(dot));
                        }
                    }
                }
            }
            if (max > 0) {
                for (double[] r : rsa) {
                    for (int k = 0; k < r.length; k++) {
                        r[k] /= max;
                    }
                }
            }
            Charts.save(Charts.heatMap("Hidden-1 similarity (W1_i X)^T (W1_j X), " + m + "x" + m + " domain blocks of "
                    + p + "x" + p + " items, scaled to max 1", "domain j, item", "domain i, item", rsa, -1, 1, false),
                    folder.resolve("rsa"));
            out.add(folder.resolve("rsa.png"));
            int nOut = data.outputWidths().get("out0");
            double[][] grid = new double[m * nOut][m * p];
            double omax = 0;
            for (int i = 0; i < m; i++) {
                double[][] h2 = times(w2, codes[i]);
                for (int j = 0; j < m; j++) {
                    double[][] y = times(matrix(net, "dec" + j), h2); // nOut x items
                    for (int f = 0; f < nOut; f++) {
                        for (int a = 0; a < p; a++) {
                            grid[j * nOut + f][i * p + a] = y[f][a];
                            omax = Math.max(omax, Math.abs(y[f][a]));
                        }
                    }
                }
            }
            double lim = Math.max(1e-12, omax);
            Charts.save(Charts.heatMap("Outputs Y_(i->j)^T for every pathway (columns: input domain i x items; rows:"
                    + " output domain j x features)", "input domain i, item", "output domain j, feature", grid, -lim,
                    lim, false), folder.resolve("outputs"));
            out.add(folder.resolve("outputs.png"));
            return out;
        }

        private static boolean hasEdges(GatedNetwork net, int m) {
            try {
                net.weight("shared1");
                net.weight("enc0");
                net.weight("dec0");
                return net.graph().toString() != null && !hasEdge(net, "shared2");
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static boolean hasEdge(GatedNetwork net, String e) {
            try {
                net.weight(e);
                return true;
            } catch (RuntimeException ex) {
                return false;
            }
        }

        private static double[][] matrix(GatedNetwork net, String edge) {
            return net.weight(edge).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        }

        private static double[][] transpose(double[] rowMajor, int rows, int cols) {
            double[][] t = new double[cols][rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c][r] = rowMajor[r * cols + c];
                }
            }
            return t;
        }

        private static double[][] times(double[][] a, double[][] b) {
            int n = a.length;
            int k = b.length;
            int mm = b[0].length;
            double[][] c = new double[n][mm];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < k; l++) {
                    double v = a[i][l];
                    if (v != 0) {
                        for (int j = 0; j < mm; j++) {
                            c[i][j] += v * b[l][j];
                        }
                    }
                }
            }
            return c;
        }
    }
}
