package io.github.gdln.core.theory;

import io.github.gdln.core.train.Trajectory;
import java.util.List;

/**
 * A theory prediction: a {@link Trajectory} on the simulation's axes and scales (epochs, objective, loss per context,
 * singular values per tracked edge) plus the strength of every scalar edge at every point.
 *
 * @param trajectory  the predicted trajectory
 * @param scalarEdges the scalar edges (docs/theory.md §2.2), in the order of {@code strengths}' columns
 * @param strengths   b_k at each point of the trajectory
 */
public record Prediction(Trajectory trajectory, List<ScalarEdge> scalarEdges, double[][] strengths) {
    public Prediction {
        scalarEdges = List.copyOf(scalarEdges);
    }

    /** The strengths of edge {@code edgeName}'s modes at point {@code point}, in scalar-edge order. */
    public double[] strengths(String edgeName, int point) {
        return java.util.stream.IntStream.range(0, scalarEdges.size())
                .filter(k -> scalarEdges.get(k).edgeName().equals(edgeName))
                .mapToDouble(k -> strengths[point][k]).toArray();
    }
}
