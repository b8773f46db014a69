package io.github.gdln.core.engine;

import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The de-duplicated computation of a set of contexts. A <em>unit</em> is one activation h_v that some context needs;
 * two contexts share a unit when the node's gate and everything upstream of it (gates on nodes and edges, and the
 * units feeding it) are the same. The routing tasks, for instance, compute each encoder output once per input domain
 * and reuse it for every output domain. Units closed by a zero gate are left out altogether.
 *
 * <p>Units are listed in topological order, so a forward pass runs them first to last and a backward pass last to
 * first. Built once per bound task; independent of the samples.
 */
final class UnitPlan {
    /** Marks an activation that is identically zero. */
    static final int ZERO = -1;

    /**
     * One incoming contribution g_e (W_e h_src + g_src b_e) of a unit; {@code source} is ZERO when only the bias
     * contributes (the source activation is identically zero but its node is not closed).
     */
    record Input(int edge, int gate, int source, int sourceGate) {
    }

    /** An activation h_v = g_v Σ_inputs g_e W_e h_src (or g_v x_v on an input node). */
    record Unit(int node, int gate, Input[] inputs) {
        boolean isInput() {
            return inputs == null;
        }
    }

    private final List<Unit> units = new ArrayList<>();
    private final int[] contexts;
    /** outputUnit[k][o]: unit of output node o in the k-th planned context, or ZERO; -2 when the output is closed. */
    private final int[][] outputUnits;

    static final int CLOSED = -2;

    /**
     * Plans {@code contexts} (indices into {@code gates}); {@code gateIds} gives each distinct gate array an id.
     */
    UnitPlan(CompiledGraph graph, ContextGates[] gates, GateTable gateIds, int[] contexts) {
        this.contexts = contexts.clone();
        Map<List<Integer>, Integer> index = new HashMap<>();
        int[] outputs = graph.outputs();
        outputUnits = new int[contexts.length][outputs.length];
        int[] unitOf = new int[graph.nodeCount()];
        for (int k = 0; k < contexts.length; k++) {
            ContextGates g = gates[contexts[k]];
            for (int v = 0; v < graph.nodeCount(); v++) {
                unitOf[v] = plan(graph, g, gateIds, v, unitOf, index);
            }
            for (int o = 0; o < outputs.length; o++) {
                outputUnits[k][o] = ContextGates.isClosed(g.node(outputs[o])) ? CLOSED : unitOf[outputs[o]];
            }
        }
    }

    private int plan(CompiledGraph graph, ContextGates g, GateTable gateIds, int v, int[] unitOf,
                     Map<List<Integer>, Integer> index) {
        double[] nodeGate = g.node(v);
        if (ContextGates.isClosed(nodeGate)) {
            return ZERO;
        }
        int gateId = gateIds.id(nodeGate);
        List<Integer> key = new ArrayList<>(List.of(v, gateId));
        Input[] inputs = null;
        if (!graph.isInput(v)) {
            List<Input> in = new ArrayList<>();
            for (int e : graph.inEdges(v)) {
                int src = unitOf[graph.source(e)];
                double[] sourceGate = g.node(graph.source(e));
                boolean biasOnly = src == ZERO && graph.hasBias(e) && !ContextGates.isClosed(sourceGate);
                if ((src == ZERO && !biasOnly) || ContextGates.isClosed(g.edge(e))) {
                    continue;
                }
                int edgeGate = gateIds.id(g.edge(e));
                int sourceGateId = gateIds.id(sourceGate);
                in.add(new Input(e, edgeGate, src, sourceGateId));
                key.addAll(List.of(e, edgeGate, src, sourceGateId));
            }
            if (in.isEmpty()) {
                return ZERO;
            }
            inputs = in.toArray(new Input[0]);
        }
        Integer existing = index.get(key);
        if (existing != null) {
            return existing;
        }
        units.add(new Unit(v, gateId, inputs));
        index.put(key, units.size() - 1);
        return units.size() - 1;
    }

    List<Unit> units() {
        return units;
    }

    /** The planned contexts (indices into the task's contexts). */
    int[] contexts() {
        return contexts;
    }

    /** Unit of output {@code o} (position in graph.outputs()) in planned context {@code k}, ZERO or CLOSED. */
    int outputUnit(int k, int o) {
        return outputUnits[k][o];
    }

    @Override
    public String toString() {
        return "UnitPlan" + Arrays.toString(contexts) + " with " + units.size() + " units";
    }
}
