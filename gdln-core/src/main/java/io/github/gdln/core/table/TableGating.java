package io.github.gdln.core.table;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Gating written as data ({@code gating = table}): one entry per context of the task, naming the nodes and edges it
 * closes, or the ones it opens, whether it is trained, and optional per-sample gates read from a column of the
 * task's data.
 *
 * <pre>
 * gating {
 *   name = table
 *   contexts = [
 *     {name = "0-&gt;0", opens = [in0, out0]}                    # trained unless trained = false
 *     {name = "0-&gt;1", opens = [in0, out1], trained = false}  # evaluated only
 *     {name = all, closes = [b3], gates = [{node = b0, data = relu, column = 0}]}
 *   ]
 * }
 * </pre>
 * {@code closes} sets the gate of each listed node or edge to 0 and leaves the rest open. {@code opens} opens the
 * listed ones and closes every other node or edge that any context of the table opens or closes (the table's
 * switchable units); a context gives one of the two. A per-sample gate takes column {@code column} of
 * {@code data}, a task annotation or an input node, one value in [0, 1] per sample. Every context of the task must
 * have exactly one entry.
 */
public final class TableGating implements GatingScheme {
    @Override
    public String name() {
        return "table";
    }

    @Override
    public String description() {
        return "gating written as data: per context the nodes/edges it closes or opens, trained or not, gates from data";
    }

    @Override
    public Gating bind(Params p, Graph graph, TaskData data, long seed) {
        p.requireOnly(List.of("contexts"));
        Set<String> nodes = new LinkedHashSet<>(graph.nodes().stream().map(Node::name).toList());
        Set<String> edges = new LinkedHashSet<>(graph.edges().stream().map(Edge::name).toList());
        List<String> taskContexts = data.contexts().stream().map(Context::name).toList();
        Map<String, Params> entries = new LinkedHashMap<>();
        Set<String> switchable = new LinkedHashSet<>();
        for (Params c : p.getParamsList("contexts")) {
            c.requireOnly(List.of("name", "closes", "opens", "trained", "gates"));
            String name = c.getString("name");
            if (!taskContexts.contains(name)) {
                throw new IllegalArgumentException(c.where() + ": context '" + name + "' is not a context of the "
                        + "task; the task's contexts are " + abbreviate(taskContexts));
            }
            Params earlier = entries.put(name, c);
            if (earlier != null) {
                throw new IllegalArgumentException(c.where() + ": context '" + name + "' is listed twice (also at "
                        + earlier.where() + ")");
            }
            if (c.has("closes") && c.has("opens")) {
                throw new IllegalArgumentException(c.where() + ": context '" + name + "' gives both closes and "
                        + "opens; give one");
            }
            for (String key : List.of("closes", "opens")) {
                if (c.has(key)) {
                    for (String unit : c.getStringList(key)) {
                        requireUnit(c, key, unit, nodes, edges);
                        switchable.add(unit);
                    }
                }
            }
        }
        List<String> missing = taskContexts.stream().filter(n -> !entries.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(p.where() + ": the task's contexts " + abbreviate(missing)
                    + " have no entry in contexts; every context needs one, e.g. {name = \"" + missing.get(0)
                    + "\", closes = []}");
        }
        int n = data.sampleCount();
        Gates[] gates = new Gates[taskContexts.size()];
        boolean[] trained = new boolean[taskContexts.size()];
        for (int i = 0; i < taskContexts.size(); i++) {
            Params c = entries.get(taskContexts.get(i));
            Map<String, double[]> nodeGates = new HashMap<>();
            Map<String, double[]> edgeGates = new HashMap<>();
            Set<String> closed = new LinkedHashSet<>();
            if (c.has("closes")) {
                closed.addAll(c.getStringList("closes"));
            } else if (c.has("opens")) {
                closed.addAll(switchable);
                closed.removeAll(c.getStringList("opens"));
            }
            for (String unit : closed) {
                (nodes.contains(unit) ? nodeGates : edgeGates).put(unit, new double[] {0.0});
            }
            if (c.has("gates")) {
                for (Params g : c.getParamsList("gates")) {
                    perSample(g, nodes, edges, data, n, nodeGates, edgeGates, closed);
                }
            }
            gates[i] = new Gates(nodeGates, edgeGates);
            trained[i] = !c.has("trained") || c.getBoolean("trained");
        }
        if (!IntStream.range(0, trained.length).anyMatch(i -> trained[i])) {
            throw new IllegalArgumentException(p.where() + ": no context is trained; set trained = true on at "
                    + "least one");
        }
        return new Gating() {
            @Override
            public Gates gates(int context) {
                return gates[context];
            }

            @Override
            public boolean trained(int context) {
                return trained[context];
            }
        };
    }

    /** Adds the per-sample gate {@code g} ({@code node} or {@code edge}, {@code data}, {@code column}). */
    private static void perSample(Params g, Set<String> nodes, Set<String> edges, TaskData data, int n,
                                  Map<String, double[]> nodeGates, Map<String, double[]> edgeGates,
                                  Set<String> closed) {
        g.requireOnly(List.of("node", "edge", "data", "column"));
        if (g.has("node") == g.has("edge")) {
            throw new IllegalArgumentException(g.where() + ": give either node = NAME or edge = NAME");
        }
        boolean isNode = g.has("node");
        String unit = g.getString(isNode ? "node" : "edge");
        if (!(isNode ? nodes : edges).contains(unit)) {
            throw new IllegalArgumentException(g.where() + ": " + (isNode ? "node" : "edge") + " '" + unit
                    + "' is not in the graph; its " + (isNode ? "nodes" : "edges") + " are "
                    + abbreviate(List.copyOf(isNode ? nodes : edges)));
        }
        if (closed.contains(unit) || (isNode ? nodeGates : edgeGates).containsKey(unit)) {
            throw new IllegalArgumentException(g.where() + ": '" + unit + "' is gated twice in this context");
        }
        String source = g.getString("data");
        Integer width = data.annotationWidths().get(source);
        boolean annotation = width != null;
        if (!annotation) {
            width = data.inputWidths().get(source);
        }
        if (width == null) {
            throw new IllegalArgumentException(g.where() + ": data = " + source + " is neither an annotation "
                    + data.annotationWidths().keySet() + " nor an input node " + data.inputWidths().keySet()
                    + " of the task");
        }
        int column = g.getInt("column", 0);
        if (column >= width) {
            throw new IllegalArgumentException(g.where() + ": column = " + column + " but '" + source + "' has "
                    + width + " columns (0.." + (width - 1) + ")");
        }
        int[] all = IntStream.range(0, n).toArray();
        double[] rows = new double[n * width];
        if (annotation) {
            data.annotation(source, all, rows);
        } else {
            data.input(source, all, rows);
        }
        double[] gate = new double[n];
        for (int s = 0; s < n; s++) {
            gate[s] = rows[s * width + column];
            if (!(gate[s] >= 0 && gate[s] <= 1)) {
                throw new IllegalArgumentException(g.where() + ": sample " + s + " of '" + source + "' column "
                        + column + " is " + gate[s] + "; a gate must lie in [0, 1]");
            }
        }
        (isNode ? nodeGates : edgeGates).put(unit, gate);
    }

    private static void requireUnit(Params c, String key, String unit, Set<String> nodes, Set<String> edges) {
        if (!nodes.contains(unit) && !edges.contains(unit)) {
            throw new IllegalArgumentException(c.where() + ": " + key + " names '" + unit + "', which is neither a "
                    + "node nor an edge of the graph; nodes are " + abbreviate(List.copyOf(nodes)) + ", edges are "
                    + abbreviate(List.copyOf(edges)));
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 20 ? names.toString()
                : new ArrayList<>(names.subList(0, 20)) + " and " + (names.size() - 20) + " more";
    }
}
