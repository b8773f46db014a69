package io.github.gdln.core.gating;

import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.HashMap;
import java.util.Map;

/**
 * Input-dependent gating of the XOR example (docs/theory.md §3.1) on the {@code branches} architecture: the relaxation
 * of a ReLU layer whose units are frozen in half-planes (the "X" and "bar" gatings).
 * <ul>
 *   <li>{@code pattern = x}: four branches, branch k open only on sample k (units pointing at each data point);</li>
 *   <li>{@code pattern = bar}: two branches, branch 0 open on the samples with x1 &gt; 0, branch 1 on x1 &lt; 0.</li>
 * </ul>
 * Gates are computed from the samples' inputs on node {@code x}, one value per sample.
 */
public final class XorGating implements GatingScheme {
    @Override
    public String name() {
        return "xor";
    }

    @Override
    public String description() {
        return "input-dependent XOR gatings: 'x' (one branch per point) or 'bar' (branches on x1 > 0 and x1 < 0)";
    }

    @Override
    public Gating bind(Params params, Graph graph, TaskData data, long seed) {
        String pattern = params.getString("pattern");
        int n = data.sampleCount();
        int width = data.inputWidths().get("x");
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        double[] x = new double[n * width];
        data.input("x", all, x);
        Map<String, double[]> nodeGates = new HashMap<>();
        switch (pattern) {
            case "x" -> {
                for (int k = 0; k < n; k++) {
                    double[] g = new double[n];
                    g[k] = 1;
                    nodeGates.put("b" + k, g);
                }
            }
            case "bar" -> {
                double[] pos = new double[n];
                double[] neg = new double[n];
                for (int s = 0; s < n; s++) {
                    pos[s] = x[s * width] > 0 ? 1 : 0;
                    neg[s] = x[s * width] < 0 ? 1 : 0;
                }
                nodeGates.put("b0", pos);
                nodeGates.put("b1", neg);
            }
            default -> throw new IllegalArgumentException(params.owner() + ": unknown pattern '" + pattern
                    + "'; expected 'x' or 'bar'");
        }
        for (String branch : nodeGates.keySet()) {
            graph.node(branch); // fails naming the branch when the architecture has too few branches
        }
        Gates gates = new Gates(nodeGates, Map.of());
        return new Gating() {
            @Override
            public Gates gates(int context) {
                return gates;
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        };
    }
}
