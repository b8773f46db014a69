package io.github.gdln.core.table;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.ParamException;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gated network written as data ({@code model = graph}): its nodes, edges, input and output nodes.
 *
 * <pre>
 * model {
 *   name = graph
 *   nodes = [{name = x}, {name = h, width = 8}, {name = y}]   # input/output widths may come from the task's data
 *   edges = [{name = w1, from = x, to = h}, {name = w2, from = h, to = y}]
 *   inputs = [x]
 *   outputs = [y]
 * }
 * </pre>
 * The graph is checked here, with the file and line of the bad node or edge in every message: duplicate names, an
 * edge from or to an unknown node, a cycle (listing its edges), a node no input reaches, a hidden node without a
 * width, an input or output width that differs from the task's data, an input node the task does not feed or an
 * output node it has no targets for. An edge's {@code bias = true} is refused until the engine supports biases.
 */
public final class GraphArchitecture implements Architecture {
    @Override
    public String name() {
        return "graph";
    }

    @Override
    public String description() {
        return "a gated network written as data: nodes, edges, inputs and outputs in the configuration";
    }

    @Override
    public Graph build(Params p, TaskData data) {
        p.requireOnly(List.of("nodes", "edges", "inputs", "outputs"));
        List<String> inputs = p.getStringList("inputs");
        List<String> outputs = p.getStringList("outputs");
        Map<String, Params> nodeBlocks = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        if (p.getParamsList("nodes").isEmpty()) {
            throw new IllegalArgumentException(p.where() + ": nodes is empty; give the nodes as "
                    + "[{name = x}, {name = h, width = 8}, ...]");
        }
        for (Params n : p.getParamsList("nodes")) {
            n.requireOnly(List.of("name", "width"));
            String name = n.getString("name");
            Params earlier = nodeBlocks.put(name, n);
            if (earlier != null) {
                throw new IllegalArgumentException(n.where() + ": node '" + name + "' is defined twice (also at "
                        + earlier.where() + ")");
            }
            nodes.add(new Node(name, width(n, name, inputs, outputs, data)));
        }
        for (String role : List.of("inputs", "outputs")) {
            List<String> names = role.equals("inputs") ? inputs : outputs;
            if (names.isEmpty()) {
                throw new IllegalArgumentException(p.where() + ": " + role + " is empty; name at least one node");
            }
            for (String name : names) {
                if (!nodeBlocks.containsKey(name)) {
                    throw new ParamException(p.where(), role, names, "names unknown node '" + name
                            + "'; nodes are " + nodeBlocks.keySet());
                }
            }
        }
        Map<String, Params> edgeBlocks = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        for (Params e : p.getParamsList("edges")) {
            e.requireOnly(List.of("name", "from", "to", "bias"));
            String name = e.getString("name");
            Params earlier = edgeBlocks.put(name, e);
            if (earlier != null) {
                throw new IllegalArgumentException(e.where() + ": edge '" + name + "' is defined twice (also at "
                        + earlier.where() + ")");
            }
            for (String end : List.of("from", "to")) {
                String node = e.getString(end);
                if (!nodeBlocks.containsKey(node)) {
                    throw new IllegalArgumentException(e.where() + ": edge '" + name + "' " + end + " = " + node
                            + " is not a node; nodes are " + nodeBlocks.keySet());
                }
            }
            if (e.has("bias") && e.getBoolean("bias")) {
                throw new IllegalArgumentException(e.where() + ": edge '" + name + "' has bias = true, which the "
                        + "engine does not support yet; remove it or set bias = false");
            }
            if (inputs.contains(e.getString("to"))) {
                throw new IllegalArgumentException(e.where() + ": edge '" + name + "' enters input node '"
                        + e.getString("to") + "'; input nodes take only the task's data");
            }
            edges.add(new Edge(name, e.getString("from"), e.getString("to")));
        }
        checkAcyclic(edges, edgeBlocks);
        checkReached(inputs, edges, nodeBlocks);
        return new Graph(nodes, edges, inputs, outputs);
    }

    /** The width of a node: as written, else (input and output nodes) the task's; checked against the task's. */
    private static int width(Params n, String name, List<String> inputs, List<String> outputs, TaskData data) {
        Integer fromData = null;
        String role = null;
        if (inputs.contains(name)) {
            role = "input";
            fromData = data.inputWidths().get(name);
            if (fromData == null) {
                throw new IllegalArgumentException(n.where() + ": input node '" + name + "' has no data in the task;"
                        + " the task feeds " + data.inputWidths().keySet());
            }
        } else if (outputs.contains(name)) {
            role = "output";
            fromData = data.outputWidths().get(name);
            if (fromData == null) {
                throw new IllegalArgumentException(n.where() + ": output node '" + name + "' has no targets in the "
                        + "task; the task has targets for " + data.outputWidths().keySet());
            }
        }
        if (!n.has("width")) {
            if (fromData == null) {
                throw new IllegalArgumentException(n.where() + ": hidden node '" + name + "' needs a width "
                        + "(only input and output nodes take theirs from the task's data)");
            }
            return fromData;
        }
        int width = n.getInt("width", 1);
        if (fromData != null && width != fromData) {
            throw new IllegalArgumentException(n.where() + ": " + role + " node '" + name + "' has width " + width
                    + " but the task's data for it has width " + fromData + " (leave width out to take the data's)");
        }
        return width;
    }

    /** Fails naming the first node (and its line) that no path from an input node reaches. */
    private static void checkReached(List<String> inputs, List<Edge> edges, Map<String, Params> blocks) {
        java.util.Set<String> reached = new java.util.HashSet<>(inputs);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Edge e : edges) {
                grew |= reached.contains(e.source()) && reached.add(e.target());
            }
        }
        for (Map.Entry<String, Params> n : blocks.entrySet()) {
            if (!reached.contains(n.getKey())) {
                throw new IllegalArgumentException(n.getValue().where() + ": node '" + n.getKey() + "' is not "
                        + "reached from any input node " + inputs + "; every node needs a path from an input");
            }
        }
    }

    /** Fails listing the edges of a cycle, each with where it was written. */
    private static void checkAcyclic(List<Edge> edges, Map<String, Params> blocks) {
        Map<String, List<Edge>> out = new HashMap<>();
        for (Edge e : edges) {
            out.computeIfAbsent(e.source(), k -> new ArrayList<>()).add(e);
        }
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (Edge start : edges) {
            List<Edge> path = new ArrayList<>();
            if (cycleFrom(start.source(), out, state, path)) {
                StringBuilder sb = new StringBuilder("the graph has a cycle; a gated deep linear network must be "
                        + "acyclic. The cycle's edges:");
                for (Edge e : path) {
                    sb.append(' ').append(e.name()).append(" (").append(e.source()).append(" -> ")
                            .append(e.target()).append(", ").append(blocks.get(e.name()).where()).append(')');
                }
                throw new IllegalArgumentException(sb.toString());
            }
        }
    }

    private static boolean cycleFrom(String node, Map<String, List<Edge>> out, Map<String, Integer> state,
                                     List<Edge> path) {
        Integer s = state.get(node);
        if (s != null) {
            return false;
        }
        state.put(node, 1);
        for (Edge e : out.getOrDefault(node, List.of())) {
            path.add(e);
            Integer t = state.get(e.target());
            if (t != null && t == 1) {
                int from = 0;
                while (!path.get(from).source().equals(e.target())) {
                    from++;
                }
                path.subList(0, from).clear();
                return true;
            }
            if (t == null && cycleFrom(e.target(), out, state, path)) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        state.put(node, 2);
        return false;
    }
}
