package io.github.gdln.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Gate values of one context on nodes (g_v) and edges (g_e). A node or edge that is absent has gate 1.
 * Each value array has either length 1 (the same gate for every sample) or length N, the task's number of base
 * samples (input-dependent gating, e.g. the relaxation of a ReLU network, indexed by base sample).
 *
 * @param nodes gates per node name
 * @param edges gates per edge name
 */
public record Gates(Map<String, double[]> nodes, Map<String, double[]> edges) {
    public Gates {
        nodes = Map.copyOf(nodes);
        edges = Map.copyOf(edges);
    }

    /** Every gate open. */
    public static Gates open() {
        return new Gates(Map.of(), Map.of());
    }

    /** Gates that close every listed node (gate 0) and leave everything else open. */
    public static Gates closing(Iterable<String> closedNodes) {
        Map<String, double[]> m = new HashMap<>();
        for (String n : closedNodes) {
            m.put(n, new double[] {0.0});
        }
        return new Gates(m, Map.of());
    }
}
