package io.github.gdln.core.graph;

import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated architecture graph with integer indices: nodes and edges in a topological order, the in- and out-edges
 * of every node, and which nodes are inputs and outputs. Construction checks everything that can be wrong with a
 * {@link Graph} and throws a {@link GraphException} that names the offending node or edge:
 * duplicate names, edges to unknown nodes, edges into input nodes, cycles, nodes no input reaches, outputs no input
 * reaches.
 */
public final class CompiledGraph {
    private final Graph spec;
    private final Node[] nodes;          // in topological order
    private final Edge[] edges;          // sorted by the topological position of their target, then declaration order
    private final int[] edgeSource;
    private final int[] edgeTarget;
    private final int[][] inEdges;
    private final int[][] outEdges;
    private final boolean[] isInput;
    private final int[] inputs;
    private final int[] outputs;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final Map<String, Integer> edgeIndex = new HashMap<>();

    /** Validates and compiles {@code spec}. */
    public CompiledGraph(Graph spec) {
        this.spec = spec;
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Node n : spec.nodes()) {
            if (byName.put(n.name(), n) != null) {
                throw new GraphException("duplicate node name '" + n.name() + "'");
            }
        }
        Map<String, Edge> edgeByName = new LinkedHashMap<>();
        for (Edge e : spec.edges()) {
            if (edgeByName.put(e.name(), e) != null) {
                throw new GraphException("duplicate edge name '" + e.name() + "'");
            }
            requireNode(byName, e.source(), "source of edge '" + e.name() + "'");
            requireNode(byName, e.target(), "target of edge '" + e.name() + "'");
        }
        if (spec.inputs().isEmpty()) {
            throw new GraphException("the graph has no input node");
        }
        if (spec.outputs().isEmpty()) {
            throw new GraphException("the graph has no output node");
        }
        for (String in : spec.inputs()) {
            requireNode(byName, in, "input node");
        }
        for (String out : spec.outputs()) {
            requireNode(byName, out, "output node");
        }
        checkNoDuplicates(spec.inputs(), "input");
        checkNoDuplicates(spec.outputs(), "output");
        for (Edge e : spec.edges()) {
            if (spec.inputs().contains(e.target())) {
                throw new GraphException("edge '" + e.name() + "' enters input node '" + e.target()
                        + "'; input nodes receive data only");
            }
        }
        List<String> order = topologicalOrder(byName, spec.edges());
        nodes = new Node[order.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = byName.get(order.get(i));
            nodeIndex.put(nodes[i].name(), i);
        }
        List<Edge> sorted = new ArrayList<>(spec.edges());
        sorted.sort((a, b) -> Integer.compare(nodeIndex.get(a.target()), nodeIndex.get(b.target())));
        edges = sorted.toArray(new Edge[0]);
        edgeSource = new int[edges.length];
        edgeTarget = new int[edges.length];
        List<List<Integer>> in = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            in.add(new ArrayList<>());
            out.add(new ArrayList<>());
        }
        for (int e = 0; e < edges.length; e++) {
            edgeIndex.put(edges[e].name(), e);
            edgeSource[e] = nodeIndex.get(edges[e].source());
            edgeTarget[e] = nodeIndex.get(edges[e].target());
            in.get(edgeTarget[e]).add(e);
            out.get(edgeSource[e]).add(e);
        }
        inEdges = toArrays(in);
        outEdges = toArrays(out);
        isInput = new boolean[nodes.length];
        inputs = spec.inputs().stream().mapToInt(nodeIndex::get).toArray();
        outputs = spec.outputs().stream().mapToInt(nodeIndex::get).toArray();
        for (int i : inputs) {
            isInput[i] = true;
        }
        checkReachability();
    }

    private static void requireNode(Map<String, Node> byName, String name, String role) {
        if (!byName.containsKey(name)) {
            throw new GraphException(role + " is unknown node '" + name + "'; nodes are " + byName.keySet());
        }
    }

    private static void checkNoDuplicates(List<String> names, String role) {
        if (names.stream().distinct().count() != names.size()) {
            throw new GraphException("node listed twice as " + role + ": " + names);
        }
    }

    private static int[][] toArrays(List<List<Integer>> lists) {
        int[][] a = new int[lists.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return a;
    }

    /** Kahn's algorithm; on a cycle, names the nodes that remain. */
    private static List<String> topologicalOrder(Map<String, Node> byName, List<Edge> edges) {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        Map<String, List<String>> successors = new HashMap<>();
        for (String n : byName.keySet()) {
            indegree.put(n, 0);
            successors.put(n, new ArrayList<>());
        }
        for (Edge e : edges) {
            indegree.merge(e.target(), 1, Integer::sum);
            successors.get(e.source()).add(e.target());
        }
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((n, d) -> {
            if (d == 0) {
                ready.add(n);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            order.add(n);
            for (String s : successors.get(n)) {
                if (indegree.merge(s, -1, Integer::sum) == 0) {
                    ready.add(s);
                }
            }
        }
        if (order.size() != byName.size()) {
            List<String> cyclic = new ArrayList<>();
            indegree.forEach((n, d) -> {
                if (d > 0) {
                    cyclic.add(n);
                }
            });
            throw new GraphException("the graph has a cycle through nodes " + cyclic);
        }
        return order;
    }

    private void checkReachability() {
        boolean[] reached = new boolean[nodes.length];
        for (int i : inputs) {
            reached[i] = true;
        }
        for (int e = 0; e < edges.length; e++) { // edges are in topological order of their targets
            if (reached[edgeSource[e]]) {
                reached[edgeTarget[e]] = true;
            }
        }
        for (int o : outputs) {
            if (!reached[o]) {
                throw new GraphException("output node '" + nodes[o].name() + "' is not reached from any input node "
                        + spec.inputs());
            }
        }
        for (int v = 0; v < nodes.length; v++) {
            if (!reached[v]) {
                throw new GraphException("node '" + nodes[v].name() + "' is not reached from any input node "
                        + spec.inputs());
            }
        }
    }

    /** The graph this was compiled from. */
    public Graph spec() {
        return spec;
    }

    public int nodeCount() {
        return nodes.length;
    }

    public int edgeCount() {
        return edges.length;
    }

    /** Node {@code v} (topological index). */
    public Node node(int v) {
        return nodes[v];
    }

    /** Edge {@code e} (index in the compiled order). */
    public Edge edge(int e) {
        return edges[e];
    }

    public int width(int v) {
        return nodes[v].width();
    }

    public int source(int e) {
        return edgeSource[e];
    }

    public int target(int e) {
        return edgeTarget[e];
    }

    /** Edges entering node {@code v}. */
    public int[] inEdges(int v) {
        return inEdges[v].clone();
    }

    /** Edges leaving node {@code v}. */
    public int[] outEdges(int v) {
        return outEdges[v].clone();
    }

    public boolean isInput(int v) {
        return isInput[v];
    }

    /** Input nodes, in the order the graph lists them. */
    public int[] inputs() {
        return inputs.clone();
    }

    /** Output nodes, in the order the graph lists them. */
    public int[] outputs() {
        return outputs.clone();
    }

    /** Index of node {@code name}, or an error naming it. */
    public int nodeIndex(String name) {
        Integer i = nodeIndex.get(name);
        if (i == null) {
            throw new GraphException("unknown node '" + name + "'; nodes are " + nodeIndex.keySet());
        }
        return i;
    }

    /** Index of edge {@code name}, or an error naming it. */
    public int edgeIndex(String name) {
        Integer i = edgeIndex.get(name);
        if (i == null) {
            throw new GraphException("unknown edge '" + name + "'; edges are " + edgeIndex.keySet());
        }
        return i;
    }

    /** Whether a node or edge of this name exists. */
    public boolean hasNode(String name) {
        return nodeIndex.containsKey(name);
    }

    public boolean hasEdge(String name) {
        return edgeIndex.containsKey(name);
    }

    /** Number of parameters, Σ_e n_t(e) n_s(e) weights plus n_t(e) for every edge with a bias. */
    public long parameterCount() {
        long n = 0;
        for (int e = 0; e < edges.length; e++) {
            n += (long) width(edgeTarget[e]) * width(edgeSource[e]) + (edges[e].bias() ? width(edgeTarget[e]) : 0);
        }
        return n;
    }

    /** Whether edge e carries a bias. */
    public boolean hasBias(int e) {
        return edges[e].bias();
    }

    /** Whether any edge carries a bias. */
    public boolean hasBiases() {
        for (Edge e : edges) {
            if (e.bias()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "CompiledGraph" + Arrays.toString(nodes) + " " + Arrays.toString(edges);
    }
}
