package io.github.gdln.cli.commands;

import io.github.gdln.cli.run.AtomicFiles;
import io.github.gdln.cli.run.RunExecutor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The summary table of a sweep: one row per point with the axis values, the status and the final losses and
 * accuracies; written to {@code sweep-summary.csv} and printed.
 *
 * @param axes    the swept keys
 * @param values  per point, the value of each axis
 * @param outcomes per point, what happened
 */
public record SweepTable(List<String> axes, List<List<String>> values, List<RunExecutor.Outcome> outcomes) {
    /** The file name in the sweep folder. */
    public static final String FILE = "sweep-summary.csv";
    /** The metric columns. */
    public static final List<String> METRICS = List.of("loss", "trained_loss", "untrained_loss", "trained_accuracy",
            "untrained_accuracy", "wall_seconds");

    /** The value of metric {@code m} at point {@code i}, or NaN. */
    public double metric(int i, String m) {
        Object v = outcomes.get(i).summary().get(m);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Whether point {@code i} completed. */
    public boolean completed(int i) {
        return "completed".equals(outcomes.get(i).summary().get("status"));
    }

    void write(Path root) throws IOException {
        StringBuilder sb = new StringBuilder("point,");
        sb.append(String.join(",", axes)).append(",status,").append(String.join(",", METRICS)).append(",reason\n");
        for (int i = 0; i < outcomes.size(); i++) {
            Map<String, Object> s = outcomes.get(i).summary();
            sb.append(csv(outcomes.get(i).folder().getFileName().toString()));
            for (String v : values.get(i)) {
                sb.append(',').append(csv(v));
            }
            sb.append(',').append(s.get("status"));
            for (String m : METRICS) {
                double d = metric(i, m);
                sb.append(',').append(Double.isNaN(d) ? "" : Double.toString(d));
            }
            sb.append(',').append(csv(String.valueOf(s.getOrDefault("reason", ""))));
            sb.append('\n');
        }
        AtomicFiles.writeAtomically(root.resolve(FILE), sb.toString());
    }

    void print(PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(axes);
        head.addAll(List.of("status", "loss", "trained", "untrained", "acc.trained", "acc.untrained", "seconds"));
        rows.add(head.toArray(String[]::new));
        for (int i = 0; i < outcomes.size(); i++) {
            List<String> r = new ArrayList<>(values.get(i));
            Map<String, Object> s = outcomes.get(i).summary();
            String status = String.valueOf(s.get("status"));
            r.add(completed(i) ? status : status + " (" + shorten(String.valueOf(s.getOrDefault("reason", ""))) + ")");
            for (String m : METRICS) {
                r.add(Summaries.num(s.get(m)));
            }
            rows.add(r.toArray(String[]::new));
        }
        Summaries.table(out, rows);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
