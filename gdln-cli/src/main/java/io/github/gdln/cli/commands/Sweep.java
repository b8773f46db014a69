package io.github.gdln.cli.commands;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.github.gdln.cli.Main;
import io.github.gdln.cli.config.Assignment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep: the cartesian product of axes (first axis slowest, as Hydra's basic sweeper), each axis a key with
 * values. Axes come from {@code -m key=a,b,c} on the command line and from the experiment's
 * {@code experiment.sweep { key = [a, b, c] }}; a command-line value for a key (swept or not) replaces the
 * experiment's axis of that key.
 *
 * @param axes   key -> values (as HOCON text), in order
 * @param points the points: each a list of overrides, one per axis
 */
record Sweep(Map<String, List<String>> axes, List<List<Assignment>> points) {
    /** Splits {@code overrides} into fixed ones and axes; builds the points. */
    static Sweep of(List<Assignment> overrides, boolean multirun, Config experimentSweep, List<Assignment> fixedOut) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (Assignment o : overrides) {
            List<String> values = o.sweepValues();
            if (values.size() > 1 || o.value().startsWith("range(")) {
                if (!multirun) {
                    throw new Main.UsageException("'" + o.text() + "' has several values; add -m (--multirun) to"
                            + " sweep over them, or quote a single value containing commas");
                }
                axes.put(o.key(), values);
            } else {
                fixedOut.add(o);
            }
        }
        Map<String, List<String>> all = new LinkedHashMap<>();
        if (experimentSweep != null) {
            for (Map.Entry<String, ConfigValue> e : experimentSweep.root().entrySet()) {
                String key = e.getKey();
                boolean given = overrides.stream().anyMatch(o -> o.key().equals(key));
                if (given) {
                    continue;
                }
                List<String> values = new ArrayList<>();
                Object raw = e.getValue().unwrapped();
                if (raw instanceof List<?> list) {
                    for (Object x : list) {
                        values.add(com.typesafe.config.ConfigValueFactory.fromAnyRef(x).render());
                    }
                } else {
                    values.add(e.getValue().render());
                }
                all.put(key, values);
            }
        }
        all.putAll(axes);
        List<List<Assignment>> points = new ArrayList<>();
        points.add(List.of());
        for (Map.Entry<String, List<String>> axis : all.entrySet()) {
            List<List<Assignment>> next = new ArrayList<>();
            for (List<Assignment> p : points) {
                for (String v : axis.getValue()) {
                    List<Assignment> q = new ArrayList<>(p);
                    q.add(Assignment.parse(axis.getKey() + "=" + v));
                    next.add(q);
                }
            }
            points = next;
        }
        return new Sweep(all, points);
    }

    /** Whether this is a sweep at all. */
    boolean isSweep() {
        return !axes.isEmpty();
    }

    /** A point's label, e.g. {@code gating.K=2,seed=1}. */
    static String label(List<Assignment> point) {
        return String.join(",", point.stream().map(o -> o.key() + "=" + o.value()).toList());
    }

    /** A point's folder name: its index and label, made safe for file systems. */
    static String folderName(int index, int count, List<Assignment> point) {
        int digits = String.valueOf(Math.max(1, count - 1)).length();
        String label = label(point).replaceAll("[^A-Za-z0-9_.=,+-]", "_");
        if (label.length() > 100) {
            label = label.substring(0, 100);
        }
        String number = String.format("%0" + digits + "d", index);
        return label.isEmpty() ? number : number + "_" + label;
    }
}
