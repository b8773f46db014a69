package org.example.gdlnplugin;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.tasks.InMemoryTaskData;
import java.util.List;
import java.util.Map;

/**
 * A hierarchy of items (task {@code tree-items}): the 2^depth leaves of a binary tree are the items (one-hot inputs
 * on node {@code x}); the targets on node {@code y} are one feature per tree node, 1 where the item lies below it
 * (the root feature is shared by every item, the leaf features by one). Two contexts, {@code deep} and
 * {@code shallow}, evaluate every item; the gating scheme decides which pathway each opens. Loss ½‖y − h‖².
 *
 * <p>Parameters: {@code depth} (≥ 1). The singular values of Σyx are known in closed form (see the test): the
 * network learns the root feature first, then each level of the tree.
 */
public final class TreeItemsTask implements Task {
    @Override
    public String name() {
        return "tree-items";
    }

    @Override
    public String description() {
        return "template plugin: items at the leaves of a binary tree, one feature per tree node";
    }

    @Override
    public TaskData load(Params params, long seed) {
        int depth = params.getInt("depth", 1);
        int items = 1 << depth;
        int features = 2 * items - 1; // tree nodes, breadth first: node n has children 2n+1 and 2n+2
        double[][] x = new double[items][items];
        double[][] y = new double[items][features];
        for (int i = 0; i < items; i++) {
            x[i][i] = 1;
            int node = items - 1 + i; // the leaf of item i
            while (true) {
                y[i][node] = 1;
                if (node == 0) {
                    break;
                }
                node = (node - 1) / 2;
            }
        }
        List<Context> contexts = List.of(new Context("deep", Map.of()), new Context("shallow", Map.of()));
        return new InMemoryTaskData(Map.of("x", x), Map.of("y", y), contexts, Loss.halfSquaredError());
    }
}
