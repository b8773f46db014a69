package org.example.gdlnplugin;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.TaskData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Task data held in arrays: per node, one row per sample. */
final class ArrayTaskData implements TaskData {
    private final Map<String, double[][]> inputs;
    private final Map<String, double[][]> targets;
    private final List<Context> contexts;
    private final Loss loss;
    private final int samples;

    ArrayTaskData(Map<String, double[][]> inputs, Map<String, double[][]> targets, List<Context> contexts,
                  Loss loss) {
        this.inputs = Map.copyOf(inputs);
        this.targets = Map.copyOf(targets);
        this.contexts = List.copyOf(contexts);
        this.loss = loss;
        this.samples = inputs.values().iterator().next().length;
    }

    @Override
    public int sampleCount() {
        return samples;
    }

    @Override
    public Map<String, Integer> inputWidths() {
        return widths(inputs);
    }

    @Override
    public Map<String, Integer> outputWidths() {
        return widths(targets);
    }

    @Override
    public List<Context> contexts() {
        return contexts;
    }

    @Override
    public void input(String node, int[] which, double[] out) {
        copy(inputs, node, which, out);
    }

    @Override
    public void target(String node, int[] which, double[] out) {
        copy(targets, node, which, out);
    }

    @Override
    public Loss loss() {
        return loss;
    }

    private static Map<String, Integer> widths(Map<String, double[][]> arrays) {
        Map<String, Integer> w = new LinkedHashMap<>();
        arrays.forEach((node, rows) -> w.put(node, rows[0].length));
        return w;
    }

    private static void copy(Map<String, double[][]> arrays, String node, int[] which, double[] out) {
        double[][] rows = arrays.get(node);
        if (rows == null) {
            throw new IllegalArgumentException("tree-items: no data for node '" + node + "'; it has "
                    + arrays.keySet());
        }
        int width = rows[0].length;
        for (int s = 0; s < which.length; s++) {
            System.arraycopy(rows[which[s]], 0, out, s * width, width);
        }
    }
}
