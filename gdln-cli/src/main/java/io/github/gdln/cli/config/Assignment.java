package io.github.gdln.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code key=value} argument of the command line, Hydra style.
 * <ul>
 *   <li>{@code trainer.epochs=100} sets an existing key (an unknown key is an error);</li>
 *   <li>{@code +task.extra=3} adds a key the defaults do not have (for plugin parameters without defaults);</li>
 *   <li>{@code task=xor} (a group name and a bare name) switches the group to another component: the group's
 *       settings from the experiment are dropped and the component's own defaults apply.</li>
 * </ul>
 * The value is HOCON: {@code 0.02}, {@code abc}, {@code [enc0,dec0]}, {@code "a b"}.
 *
 * @param key   the dotted key
 * @param value the value text
 * @param add   whether the key was prefixed with {@code +}
 * @param text  the argument as typed
 */
public record Assignment(String key, String value, boolean add, String text) {
    /** Groups whose value selects a component by name. */
    public static final Set<String> COMPONENT_GROUPS = Set.of("task", "gating", "model");

    /** Parses {@code key=value}; fails (usage error) without an '='. */
    public static Assignment parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
        }
        String key = arg.substring(0, eq).trim();
        boolean add = key.startsWith("+");
        if (add) {
            key = key.substring(1);
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
        }
        return new Assignment(key, arg.substring(eq + 1).trim(), add, arg);
    }

    /** Whether this switches a component group ({@code task=xor}). */
    public boolean switchesGroup() {
        return COMPONENT_GROUPS.contains(key) && value.matches("[A-Za-z0-9_.-]+");
    }

    /** The same override with another value. */
    public Assignment withValue(String v) {
        return new Assignment(key, v, add, (add ? "+" : "") + key + "=" + v);
    }

    /**
     * The values of a sweep axis: the value split at top-level commas (commas inside brackets, braces, parentheses
     * or quotes do not split), with {@code range(start,stop[,step])} expanded (stop excluded, like Python and Hydra).
     */
    public List<String> sweepValues() {
        String v = value.trim();
        if (v.startsWith("range(") && v.endsWith(")")) {
            return range(v.substring(6, v.length() - 1));
        }
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '[' || c == '{' || c == '(')) {
                depth++;
            } else if (!quoted && (c == ']' || c == '}' || c == ')')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString().trim());
        return out;
    }

    private List<String> range(String args) {
        String[] p = args.split(",");
        try {
            double start = Double.parseDouble(p[0].trim());
            double stop = Double.parseDouble(p[1].trim());
            double step = p.length > 2 ? Double.parseDouble(p[2].trim()) : 1;
            boolean ints = !args.contains(".");
            if (!(step > 0) || p.length > 3) {
                throw new IllegalArgumentException();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; start + i * step < stop - 1e-12; i++) {
                double x = start + i * step;
                out.add(ints ? Long.toString(Math.round(x)) : Double.toString(Math.round(x * 1e12) / 1e12));
            }
            return out;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad range in '" + text + "': expected range(start,stop[,step]) with"
                    + " step > 0");
        }
    }
}
