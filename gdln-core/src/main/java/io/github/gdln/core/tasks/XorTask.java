package io.github.gdln.core.tasks;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import java.util.List;
import java.util.Map;

/**
 * XOR (docs/theory.md §3.1): the four points x ∈ {±1}², in the order (1,1), (−1,−1), (−1,1), (1,−1), with
 * y = +1 when x1·x2 &gt; 0 and −1 otherwise ({@code labels = xor}), or y = x1 ({@code labels = x1}, the data of
 * the "bar" gating). Loss ½ (y − h)² averaged over the points, so the error starts at 0.5. One context; the gating
 * scheme (e.g. {@code xor}) supplies the input-dependent gates.
 */
public final class XorTask implements Task {
    private static final double[][] POINTS = {{1, 1}, {-1, -1}, {-1, 1}, {1, -1}};

    @Override
    public String name() {
        return "xor";
    }

    @Override
    public String description() {
        return "docs/theory.md §3.1: the four XOR points in {-1,1}^2 with labels x1*x2 (or x1)";
    }

    /** The data itself: a few small arrays, made at next to no cost. */
    @Override
    public java.util.Optional<TaskData> preview(Params params, long seed) {
        return java.util.Optional.of(load(params, seed));
    }

    @Override
    public TaskData load(Params params, long seed) {
        String labels = params.getString("labels");
        double[][] y = new double[POINTS.length][1];
        for (int s = 0; s < POINTS.length; s++) {
            y[s][0] = switch (labels) {
                case "xor" -> Math.signum(POINTS[s][0] * POINTS[s][1]);
                case "x1" -> POINTS[s][0];
                default -> throw new IllegalArgumentException(params.owner() + ": unknown labels '" + labels
                        + "'; expected 'xor' or 'x1'");
            };
        }
        return new InMemoryTaskData(Map.of("x", POINTS), Map.of("y", y), List.of(new Context("all", Map.of())),
                Loss.halfSquaredError());
    }
}
