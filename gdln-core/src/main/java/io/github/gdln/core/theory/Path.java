package io.github.gdln.core.theory;

import java.util.Arrays;

/**
 * A path p = (e_1, ..., e_L) of docs/theory.md §1.3: a chain of edges with t(e_l) = s(e_{l+1}) from the input node
 * s(p) = s(e_1) to the output node t(p) = t(e_L). Its weight is W_p = W_{e_L} ⋯ W_{e_1}.
 *
 * @param index  position in {@link Paths#paths()}
 * @param edges  edge indices (compiled order of the graph) from input to output
 * @param nodes  node indices visited, input first, output last ({@code edges.length + 1} of them)
 */
public record Path(int index, int[] edges, int[] nodes) {
    public Path {
        edges = edges.clone();
        nodes = nodes.clone();
        if (edges.length == 0 || nodes.length != edges.length + 1) {
            throw new IllegalArgumentException("a path needs at least one edge and one node more than edges; was "
                    + edges.length + " edges and " + nodes.length + " nodes");
        }
    }

    /** Input node s(p). */
    public int source() {
        return nodes[0];
    }

    /** Output node t(p). */
    public int target() {
        return nodes[nodes.length - 1];
    }

    /** Number of weight layers L. */
    public int depth() {
        return edges.length;
    }

    /** Position of {@code edge} on the path, or -1. */
    public int position(int edge) {
        for (int k = 0; k < edges.length; k++) {
            if (edges[k] == edge) {
                return k;
            }
        }
        return -1;
    }

    /** The antecedent s̄(p, e): the edges before {@code edge} (empty when e is the first edge). */
    public int[] antecedent(int edge) {
        return Arrays.copyOfRange(edges, 0, requirePosition(edge));
    }

    /** The subsequent t̄(p, e): the edges after {@code edge} (empty when e is the last edge). */
    public int[] subsequent(int edge) {
        return Arrays.copyOfRange(edges, requirePosition(edge) + 1, edges.length);
    }

    private int requirePosition(int edge) {
        int k = position(edge);
        if (k < 0) {
            throw new IllegalArgumentException("edge " + edge + " is not on path " + index + " "
                    + Arrays.toString(edges));
        }
        return k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Path p && p.index == index && Arrays.equals(p.edges, edges);
    }

    @Override
    public int hashCode() {
        return 31 * index + Arrays.hashCode(edges);
    }

    @Override
    public String toString() {
        return "Path" + index + Arrays.toString(edges);
    }
}
