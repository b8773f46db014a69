package io.github.gdln.core.tasks;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.arch.RoutingArchitecture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing toy of docs/theory.md §3.2: M domains with the same hierarchical dataset, X = I₄ (four one-hot items) and
 * the 4 x 7 targets Y (one feature shared by all items, one per pair of items, one per item), whose correlation
 * YᵀX has singular values √185, √41, 3, 3. Contexts are all M² pathways i -> j. The loss of a pathway is the mean over
 * the 4 x 7 entries of the squared error, and the objective sums it over trained pathways (the reference's
 * per-pathway {@code MSELoss(reduction='none').mean()}), so the loss at zero output is M K · 244 / 28: Σ s² = 244 for
 * M = 7, K = 4.
 *
 * <p>Parameter: {@code domains} (M).
 */
public final class RoutingToyTask implements Task {
    /** The 4 items x 7 features target matrix. */
    public static final double[][] TARGETS = {
        {6, 4, 0, 3, 0, 0, 0},
        {6, 4, 0, 0, 3, 0, 0},
        {6, 0, 4, 0, 0, 3, 0},
        {6, 0, 4, 0, 0, 0, 3},
    };

    @Override
    public String name() {
        return "routing-toy";
    }

    @Override
    public String description() {
        return "docs/theory.md §3.2: M domains sharing a 4-item hierarchical dataset, routed by gating";
    }

    /** The data itself: a few small arrays, made at next to no cost. */
    @Override
    public java.util.Optional<TaskData> preview(Params params, long seed) {
        return java.util.Optional.of(load(params, seed));
    }

    @Override
    public TaskData load(Params params, long seed) {
        int m = params.getInt("domains", 1);
        int items = TARGETS.length;
        double[][] x = new double[items][items];
        for (int i = 0; i < items; i++) {
            x[i][i] = 1;
        }
        Map<String, double[][]> inputs = new LinkedHashMap<>();
        Map<String, double[][]> targets = new LinkedHashMap<>();
        List<Context> contexts = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            inputs.put(RoutingArchitecture.INPUT + i, x);
            targets.put(RoutingArchitecture.OUTPUT + i, TARGETS);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                contexts.add(Context.route(i, j));
            }
        }
        Loss loss = new Loss(LossKind.SQUARED_ERROR, 1.0 / TARGETS[0].length, false);
        return new InMemoryTaskData(inputs, targets, contexts, loss);
    }
}
