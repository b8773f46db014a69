package io.github.gdln.core.engine;

import io.github.gdln.api.Context;
import io.github.gdln.api.GatingScheme.Gating;
import io.github.gdln.api.Loss;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import io.github.gdln.core.graph.GraphException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A task's data bound to a compiled graph and a gating: node widths checked against the data, every context's
 * gates validated, the trained and untrained contexts split, and the shared computation of each planned once.
 */
public final class BoundTask {
    private final CompiledGraph graph;
    private final TaskData data;
    private final ContextGates[] gates;
    private final boolean[] trained;
    private final int[] trainedContexts;
    private final int[] untrainedContexts;
    private final GateTable gateTable = new GateTable();
    private final UnitPlan trainPlan;
    private final UnitPlan evalPlan;

    /** Binds {@code data} and {@code gating} to {@code graph}; throws naming the first mismatch. */
    public BoundTask(CompiledGraph graph, TaskData data, Gating gating) {
        this.graph = graph;
        this.data = data;
        checkWidths(graph.inputs(), data.inputWidths(), "input");
        checkWidths(graph.outputs(), data.outputWidths(), "output");
        List<Context> contexts = data.contexts();
        if (contexts.isEmpty()) {
            throw new IllegalArgumentException("the task has no contexts");
        }
        gates = new ContextGates[contexts.size()];
        trained = new boolean[contexts.size()];
        for (int c = 0; c < gates.length; c++) {
            gates[c] = ContextGates.of(graph, gating.gates(c), contexts.get(c).name(), data.sampleCount());
            trained[c] = gating.trained(c);
        }
        trainedContexts = IntStream.range(0, trained.length).filter(c -> trained[c]).toArray();
        untrainedContexts = IntStream.range(0, trained.length).filter(c -> !trained[c]).toArray();
        if (trainedContexts.length == 0) {
            throw new IllegalArgumentException("the gating trains no context (of " + contexts.size() + ")");
        }
        trainPlan = new UnitPlan(graph, gates, gateTable, trainedContexts);
        // trained contexts first: the evaluation plan then starts with exactly the training plan's units, so one
        // pass over it gives every context's loss and, bit for bit, the training gradient (Propagator.evaluate)
        evalPlan = new UnitPlan(graph, gates, gateTable,
                IntStream.concat(IntStream.of(trainedContexts), IntStream.of(untrainedContexts)).toArray());
    }

    private void checkWidths(int[] nodes, Map<String, Integer> widths, String role) {
        for (int v : nodes) {
            String name = graph.node(v).name();
            Integer w = widths.get(name);
            if (w == null) {
                throw new GraphException(role + " node '" + name + "' has no data in the task; the task provides "
                        + role + "s for " + widths.keySet());
            }
            if (w != graph.width(v)) {
                throw new GraphException("width mismatch at " + role + " node '" + name + "': the graph says "
                        + graph.width(v) + ", the task's data has " + w);
            }
        }
    }

    public CompiledGraph graph() {
        return graph;
    }

    public TaskData data() {
        return data;
    }

    public Loss loss() {
        return data.loss();
    }

    /** Gates of context {@code c}. */
    public ContextGates gates(int c) {
        return gates[c];
    }

    public boolean trained(int c) {
        return trained[c];
    }

    public int contextCount() {
        return gates.length;
    }

    public int[] trainedContexts() {
        return trainedContexts.clone();
    }

    public int[] untrainedContexts() {
        return untrainedContexts.clone();
    }

    UnitPlan trainPlan() {
        return trainPlan;
    }

    UnitPlan evalPlan() {
        return evalPlan;
    }

    GateTable gateTable() {
        return gateTable;
    }

    /** Weight of a trained context's loss in the training objective (1, or 1/#trained for a mean). */
    public double contextWeight() {
        return data.loss().meanOverContexts() ? 1.0 / trainedContexts.length : 1.0;
    }
}
