package io.github.gdln.core.graph;

import io.github.gdln.api.Gates;
import java.util.Arrays;
import java.util.Map;

/**
 * The gates of one context checked against a compiled graph and indexed by node and edge. A gate is either a
 * constant (an array of length 1) or one value per base sample (length N). Values must be finite and in [0, 1].
 */
public final class ContextGates {
    private static final double[] OPEN = {1.0};
    private final double[][] node;
    private final double[][] edge;

    private ContextGates(double[][] node, double[][] edge) {
        this.node = node;
        this.edge = edge;
    }

    /**
     * Validates {@code gates} of context {@code contextName} for {@code graph} and a task with {@code sampleCount}
     * base samples.
     */
    public static ContextGates of(CompiledGraph graph, Gates gates, String contextName, int sampleCount) {
        double[][] node = new double[graph.nodeCount()][];
        double[][] edge = new double[graph.edgeCount()][];
        Arrays.fill(node, OPEN);
        Arrays.fill(edge, OPEN);
        for (Map.Entry<String, double[]> g : gates.nodes().entrySet()) {
            if (!graph.hasNode(g.getKey())) {
                throw new GraphException("context '" + contextName + "' gates unknown node '" + g.getKey() + "'");
            }
            node[graph.nodeIndex(g.getKey())] = check(g.getValue(), "node", g.getKey(), contextName, sampleCount);
        }
        for (Map.Entry<String, double[]> g : gates.edges().entrySet()) {
            if (!graph.hasEdge(g.getKey())) {
                throw new GraphException("context '" + contextName + "' gates unknown edge '" + g.getKey() + "'");
            }
            edge[graph.edgeIndex(g.getKey())] = check(g.getValue(), "edge", g.getKey(), contextName, sampleCount);
        }
        return new ContextGates(node, edge);
    }

    private static double[] check(double[] v, String kind, String name, String context, int sampleCount) {
        if (v == null || (v.length != 1 && v.length != sampleCount)) {
            throw new GraphException("context '" + context + "': gate of " + kind + " '" + name + "' has "
                    + (v == null ? "no values" : v.length + " values") + "; expected 1 or " + sampleCount
                    + " (one per sample)");
        }
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0.0 && v[i] <= 1.0)) {
                throw new GraphException("context '" + context + "': gate of " + kind + " '" + name + "' = " + v[i]
                        + (v.length > 1 ? " at sample " + i : "") + " is out of range; gates must lie in [0, 1]");
            }
        }
        return v.clone();
    }

    /** Gate values of node {@code v}: length 1 (constant) or N. Do not modify. */
    public double[] node(int v) {
        return node[v];
    }

    /** Gate values of edge {@code e}: length 1 (constant) or N. Do not modify. */
    public double[] edge(int e) {
        return edge[e];
    }

    /** Whether the gate is identically zero. */
    public static boolean isClosed(double[] gate) {
        for (double g : gate) {
            if (g != 0.0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the gate is the constant 1. */
    public static boolean isOpen(double[] gate) {
        return gate.length == 1 && gate[0] == 1.0;
    }
}
