package io.github.gdln.core.theory;

import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import java.util.ArrayList;
import java.util.List;

/**
 * All paths of a compiled graph (docs/theory.md §1.3): every input -&gt; output edge chain, with the sets 𝒫(e) (paths
 * through edge e) and 𝒯(p) (paths ending at the same output node as p, p included), path weights
 * W_p = W_{e_L} ⋯ W_{e_1}, sub-path weights W_{s̄(p,e)}, W_{t̄(p,e)} and path gates
 * g_p = Π_{v∈p} g_v Π_{e∈p} g_e (input and output nodes included).
 *
 * <p>The number of paths can grow exponentially with depth; it is counted first (by dynamic programming over the
 * topological order) and enumeration fails with a message naming the count when it exceeds the cap.
 */
public final class Paths {
    /** Default cap on the number of enumerated paths. */
    public static final int DEFAULT_CAP = 100_000;

    private final CompiledGraph graph;
    private final List<Path> paths;
    private final int[][] through;
    private final int[][] sameTarget;

    private Paths(CompiledGraph graph, List<Path> paths) {
        this.graph = graph;
        this.paths = List.copyOf(paths);
        List<List<Integer>> byEdge = new ArrayList<>();
        for (int e = 0; e < graph.edgeCount(); e++) {
            byEdge.add(new ArrayList<>());
        }
        for (Path p : paths) {
            for (int e : p.edges()) {
                byEdge.get(e).add(p.index());
            }
        }
        through = byEdge.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        sameTarget = new int[paths.size()][];
        for (Path p : paths) {
            sameTarget[p.index()] = paths.stream().filter(j -> j.target() == p.target()).mapToInt(Path::index)
                    .toArray();
        }
    }

    /** The paths of {@code graph}, at most {@link #DEFAULT_CAP}. */
    public static Paths of(CompiledGraph graph) {
        return of(graph, DEFAULT_CAP);
    }

    /** The paths of {@code graph}; fails naming the count when there are more than {@code cap}. */
    public static Paths of(CompiledGraph graph, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("path cap must be >= 1, was " + cap);
        }
        for (int o : graph.outputs()) {
            if (graph.isInput(o)) {
                throw new IllegalArgumentException("node '" + graph.node(o).name()
                        + "' is both an input and an output; a path needs at least one edge");
            }
        }
        long count = count(graph);
        if (count > cap) {
            throw new IllegalArgumentException("the graph has " + (count == Long.MAX_VALUE ? "more than 9.2e18" : count)
                    + " input-to-output paths, more than the cap of " + cap
                    + "; path-based theory cannot enumerate them (use the sample-based engine)");
        }
        boolean[] isOutput = new boolean[graph.nodeCount()];
        for (int o : graph.outputs()) {
            isOutput[o] = true;
        }
        List<Path> paths = new ArrayList<>();
        for (int in : graph.inputs()) {
            walk(graph, isOutput, in, new ArrayList<>(), new ArrayList<>(List.of(in)), paths);
        }
        return new Paths(graph, paths);
    }

    /** Number of input-to-output paths, saturating at Long.MAX_VALUE. */
    public static long count(CompiledGraph graph) {
        long[] reach = new long[graph.nodeCount()]; // paths from any input to node v
        for (int in : graph.inputs()) {
            reach[in] = 1;
        }
        for (int e = 0; e < graph.edgeCount(); e++) { // edges sorted by target's topological position
            reach[graph.target(e)] = saturatingAdd(reach[graph.target(e)], reach[graph.source(e)]);
        }
        long total = 0;
        for (int o : graph.outputs()) {
            total = saturatingAdd(total, reach[o]);
        }
        return total;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static void walk(CompiledGraph g, boolean[] isOutput, int v, List<Integer> edges, List<Integer> nodes,
                             List<Path> out) {
        if (isOutput[v] && !edges.isEmpty()) {
            out.add(new Path(out.size(), edges.stream().mapToInt(Integer::intValue).toArray(),
                    nodes.stream().mapToInt(Integer::intValue).toArray()));
        }
        for (int e : g.outEdges(v)) {
            edges.add(e);
            nodes.add(g.target(e));
            walk(g, isOutput, g.target(e), edges, nodes, out);
            edges.remove(edges.size() - 1);
            nodes.remove(nodes.size() - 1);
        }
    }

    public CompiledGraph graph() {
        return graph;
    }

    /** All paths, by index. */
    public List<Path> paths() {
        return paths;
    }

    public int size() {
        return paths.size();
    }

    public Path path(int p) {
        return paths.get(p);
    }

    /** 𝒫(e): indices of the paths through edge {@code e}. */
    public int[] through(int e) {
        return through[e].clone();
    }

    /** 𝒯(p): indices of the paths ending at the output node of path {@code p}, p included. */
    public int[] sameTarget(int p) {
        return sameTarget[p].clone();
    }

    /** The weights of {@code net} as float64 matrices, one per edge. */
    public static double[][][] weights(GatedNetwork net) {
        double[][][] w = new double[net.graph().edgeCount()][][];
        for (int e = 0; e < w.length; e++) {
            w[e] = net.weightMatrix(e);
        }
        return w;
    }

    /**
     * The product W_{e_k} ⋯ W_{e_1} of a chain of edges (first edge applied first); for an empty chain the identity
     * of width {@code width}.
     */
    public static double[][] product(int[] chain, double[][][] w, int width) {
        if (chain.length == 0) {
            return Dense.identity(width);
        }
        double[][] m = w[chain[0]];
        for (int k = 1; k < chain.length; k++) {
            m = Dense.mul(w[chain[k]], m);
        }
        return chain.length == 1 ? Dense.copy(m) : m;
    }

    /** W_p. */
    public double[][] weight(int p, double[][][] w) {
        return product(paths.get(p).edges(), w, 0);
    }

    /** W_{s̄(p,e)}: the antecedent's weight (identity of width n_{s(e)} when e is the first edge). */
    public double[][] antecedentWeight(int p, int e, double[][][] w) {
        return product(paths.get(p).antecedent(e), w, graph.width(graph.source(e)));
    }

    /** W_{t̄(p,e)}: the subsequent's weight (identity of width n_{t(e)} when e is the last edge). */
    public double[][] subsequentWeight(int p, int e, double[][][] w) {
        return product(paths.get(p).subsequent(e), w, graph.width(graph.target(e)));
    }

    /**
     * The path gate g_p in one context: the product of every node gate (input and output included) and every edge
     * gate on the path. Length 1 when every factor is constant, otherwise one value per base sample.
     */
    public double[] gate(int p, ContextGates gates) {
        Path path = paths.get(p);
        double[] g = {1.0};
        for (int v : path.nodes()) {
            g = times(g, gates.node(v));
        }
        for (int e : path.edges()) {
            g = times(g, gates.edge(e));
        }
        return g;
    }

    private static double[] times(double[] a, double[] b) {
        if (a.length == 1 && b.length == 1) {
            return new double[] {a[0] * b[0]};
        }
        int n = Math.max(a.length, b.length);
        double[] r = new double[n];
        for (int s = 0; s < n; s++) {
            r[s] = a[a.length == 1 ? 0 : s] * b[b.length == 1 ? 0 : s];
        }
        return r;
    }
}
