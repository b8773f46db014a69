package io.github.gdln.cli.commands;

import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.cli.run.Status;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The short summary printed after a run. */
final class Summaries {
    private Summaries() {
    }

    static void print(PrintStream out, RunExecutor.Outcome o) {
        Map<String, Object> s = o.summary();
        Status st = o.status();
        out.println(s.get("experiment") + " " + st.state().word() + (st.reason().isEmpty() ? "" : ": " + st.reason()));
        if (s.containsKey("loss")) {
            out.printf(Locale.ROOT, "  epochs %s in %.1f s; loss %s -> %s (trained %s, untrained %s)%n",
                    num(s.get("epochs")), ((Number) s.get("wall_seconds")).doubleValue(), num(s.get("initial_loss")),
                    num(s.get("loss")), num(s.get("trained_loss")), num(s.get("untrained_loss")));
            if (s.get("trained_accuracy") != null) {
                out.printf(Locale.ROOT, "  %saccuracy trained %s, untrained %s%n",
                        s.get("test_trained_accuracy") != null ? "train " : "", num(s.get("trained_accuracy")),
                        num(s.get("untrained_accuracy")));
            }
            if (s.get("test_trained_accuracy") != null) {
                out.printf(Locale.ROOT, "  test accuracy trained %s, untrained %s; test loss trained %s, untrained"
                        + " %s%n", num(s.get("test_trained_accuracy")), num(s.get("test_untrained_accuracy")),
                        num(s.get("test_trained_loss")), num(s.get("test_untrained_loss")));
            }
            if (s.get("singular_values") instanceof Map<?, ?> sv && !sv.isEmpty()) {
                StringBuilder sb = new StringBuilder("  singular values:");
                for (Map.Entry<?, ?> e : sv.entrySet()) {
                    sb.append(' ').append(e.getKey());
                    for (double d : (double[]) e.getValue()) {
                        sb.append(' ').append(String.format(Locale.ROOT, "%.3f", d));
                    }
                    sb.append(';');
                }
                out.println(sb.substring(0, sb.length() - 1));
            }
        }
        if (s.get("theory") != null) {
            out.println("  theory: " + s.get("theory"));
        }
        out.println("  folder: " + o.folder());
    }

    /** A number in 4 significant digits, or "-" for none. */
    static String num(Object v) {
        if (!(v instanceof Number n)) {
            return "-";
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e9) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.4g", d);
    }

    /** Pads columns to equal widths. */
    static void table(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        java.util.Arrays.fill(w, 1);
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", r[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
