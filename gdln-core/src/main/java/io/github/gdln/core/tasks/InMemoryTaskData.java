package io.github.gdln.core.tasks;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.TaskData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task data held in memory as one N x width matrix per input and output node (and per annotation). Several nodes may
 * share one matrix (the routing tasks give every domain the same items), which is stored once.
 */
public final class InMemoryTaskData implements TaskData {
    private final int n;
    private final Map<String, double[][]> inputs;
    private final Map<String, double[][]> targets;
    private final Map<String, double[][]> annotations;
    private final List<Context> contexts;
    private final Loss loss;

    /**
     * @param inputs   N x width inputs per input node
     * @param targets  N x width targets per output node
     * @param contexts the contexts
     * @param loss     the loss
     */
    public InMemoryTaskData(Map<String, double[][]> inputs, Map<String, double[][]> targets, List<Context> contexts,
                            Loss loss) {
        this(inputs, targets, Map.of(), contexts, loss);
    }

    /**
     * @param inputs      N x width inputs per input node
     * @param targets     N x width targets per output node
     * @param annotations N x width per-sample annotations by name (see {@link TaskData#annotationWidths()})
     * @param contexts    the contexts
     * @param loss        the loss
     */
    public InMemoryTaskData(Map<String, double[][]> inputs, Map<String, double[][]> targets,
                            Map<String, double[][]> annotations, List<Context> contexts, Loss loss) {
        this.inputs = new LinkedHashMap<>(inputs);
        this.targets = new LinkedHashMap<>(targets);
        this.annotations = new LinkedHashMap<>(annotations);
        this.contexts = List.copyOf(contexts);
        this.loss = loss;
        this.n = inputs.values().iterator().next().length;
        inputs.forEach((k, v) -> check(k, v, "input of node"));
        targets.forEach((k, v) -> check(k, v, "target of node"));
        annotations.forEach((k, v) -> check(k, v, "annotation"));
    }

    private void check(String node, double[][] m, String role) {
        if (m.length != n) {
            throw new IllegalArgumentException(role + " '" + node + "' has " + m.length
                    + " samples; expected " + n);
        }
        for (double[] row : m) {
            if (row.length != m[0].length) {
                throw new IllegalArgumentException(role + " '" + node + "' has rows of different widths");
            }
        }
    }

    @Override
    public int sampleCount() {
        return n;
    }

    @Override
    public Map<String, Integer> inputWidths() {
        return widths(inputs);
    }

    @Override
    public Map<String, Integer> outputWidths() {
        return widths(targets);
    }

    private static Map<String, Integer> widths(Map<String, double[][]> m) {
        Map<String, Integer> w = new LinkedHashMap<>();
        m.forEach((k, v) -> w.put(k, v[0].length));
        return w;
    }

    @Override
    public List<Context> contexts() {
        return contexts;
    }

    @Override
    public void input(String node, int[] samples, double[] out) {
        copyRows(inputs, node, samples, out, "input");
    }

    @Override
    public void target(String node, int[] samples, double[] out) {
        copyRows(targets, node, samples, out, "target");
    }

    private static void copyRows(Map<String, double[][]> m, String node, int[] samples, double[] out, String role) {
        double[][] rows = m.get(node);
        if (rows == null) {
            throw new IllegalArgumentException("no " + role + " '" + node + "'; the task has " + m.keySet());
        }
        int w = rows[0].length;
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(rows[samples[i]], 0, out, i * w, w);
        }
    }

    @Override
    public Map<String, Integer> annotationWidths() {
        return widths(annotations);
    }

    @Override
    public void annotation(String name, int[] samples, double[] out) {
        copyRows(annotations, name, samples, out, "annotation");
    }

    @Override
    public Loss loss() {
        return loss;
    }
}
