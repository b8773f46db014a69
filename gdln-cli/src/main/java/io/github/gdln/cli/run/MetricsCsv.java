package io.github.gdln.cli.run;

import io.github.gdln.core.train.Trajectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code metrics.csv}: one row per measurement. Columns: {@code epoch, loss, trained_loss, untrained_loss,
 * trained_accuracy, untrained_accuracy}, then the engine's extra measurements (e.g. {@code test_trained_loss,
 * step_loss} of the kpath engine), then {@code sv.<edge>.<k>} (k-th singular value of a tracked edge,
 * 1-based), then {@code ctx.<context>} (the loss of each context, e.g. {@code ctx.3->5}) when the task has at most
 * {@link #MAX_CONTEXT_COLUMNS} contexts (the paper's M = 40 and M = 100 routing tasks have 1600 and 10000: their
 * per-context losses stay in the checkpoint, the file stays small). Missing values are empty.
 * Numbers are written so that they read back bit for bit.
 */
public final class MetricsCsv implements AutoCloseable {
    /** The fixed leading columns. */
    public static final List<String> FIXED = List.of("epoch", "loss", "trained_loss", "untrained_loss",
            "trained_accuracy", "untrained_accuracy");

    private final BufferedWriter out;
    /** The most contexts whose losses get a column each. */
    public static final int MAX_CONTEXT_COLUMNS = 400;

    private final List<String> extras;
    private final boolean perContext;
    private final List<String> edges;
    private final int singularValues;

    private MetricsCsv(BufferedWriter out, List<String> extras, List<String> edges, int singularValues,
                       boolean perContext) {
        this.out = out;
        this.perContext = perContext;
        this.extras = extras;
        this.edges = edges;
        this.singularValues = singularValues;
    }

    /** Creates (or truncates) the file, writes the header and the given points. */
    public static MetricsCsv create(Path file, List<String> contexts, List<String> extras, List<String> edges,
                                    int singularValues, List<Trajectory.Point> points) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        List<String> header = new ArrayList<>(FIXED);
        header.addAll(extras);
        for (String e : edges) {
            for (int k = 1; k <= singularValues; k++) {
                header.add("sv." + e + "." + k);
            }
        }
        boolean perContext = contexts.size() <= MAX_CONTEXT_COLUMNS;
        for (String c : perContext ? contexts : List.<String>of()) {
            header.add("ctx." + c);
        }
        w.write(String.join(",", header));
        w.newLine();
        MetricsCsv m = new MetricsCsv(w, List.copyOf(extras), List.copyOf(edges), singularValues, perContext);
        for (Trajectory.Point p : points) {
            m.append(p);
        }
        w.flush();
        return m;
    }

    /** Appends one row and flushes it. */
    public void append(Trajectory.Point p) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(num(p.epoch())).append(',').append(num(p.loss())).append(',').append(num(p.trainedLoss()));
        sb.append(',').append(opt(p.untrainedLoss())).append(',').append(opt(p.trainedAccuracy()));
        sb.append(',').append(opt(p.untrainedAccuracy()));
        for (String x : extras) {
            Double v = p.extras().get(x);
            sb.append(',').append(v == null ? "" : num(v));
        }
        for (String e : edges) {
            double[] sv = p.singularValues().get(e);
            for (int k = 0; k < singularValues; k++) {
                sb.append(',');
                if (sv != null && k < sv.length) {
                    sb.append(num(sv[k]));
                }
            }
        }
        for (double c : perContext ? p.contextLoss() : new double[0]) {
            sb.append(',').append(num(c));
        }
        out.write(sb.toString());
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static String opt(OptionalDouble d) {
        return d.isPresent() ? num(d.getAsDouble()) : "";
    }

    /** A number as written to the CSV: integers without a fraction, others in round-trip form. */
    public static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** A metrics table read back: the header and the rows (NaN where empty). */
    public record Table(List<String> columns, List<double[]> rows) {
        /** The column {@code name}, or null when absent. */
        public double[] column(String name) {
            int i = columns.indexOf(name);
            if (i < 0) {
                return null;
            }
            return rows.stream().mapToDouble(r -> r[i]).toArray();
        }

        /** Whether the column has at least one value. */
        public boolean hasValues(String name) {
            double[] c = column(name);
            if (c == null) {
                return false;
            }
            for (double v : c) {
                if (!Double.isNaN(v)) {
                    return true;
                }
            }
            return false;
        }

        /** The columns starting with {@code prefix}. */
        public List<String> columnsStartingWith(String prefix) {
            return columns.stream().filter(c -> c.startsWith(prefix)).toList();
        }

        /** The last row as column -> value. */
        public Map<String, Double> last() {
            Map<String, Double> m = new HashMap<>();
            if (rows.isEmpty()) {
                return m;
            }
            double[] r = rows.get(rows.size() - 1);
            for (int i = 0; i < columns.size(); i++) {
                m.put(columns.get(i), r[i]);
            }
            return m;
        }
    }

    /** Reads a metrics file (or any CSV of numbers with a header). */
    public static Table read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        List<String> columns = List.of(lines.get(0).split(",", -1));
        List<double[]> rows = new ArrayList<>();
        for (int l = 1; l < lines.size(); l++) {
            if (lines.get(l).isBlank()) {
                continue;
            }
            String[] cells = lines.get(l).split(",", -1);
            double[] r = new double[columns.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = i < cells.length && !cells[i].isEmpty() ? Double.parseDouble(cells[i]) : Double.NaN;
            }
            rows.add(r);
        }
        return new Table(columns, rows);
    }
}
