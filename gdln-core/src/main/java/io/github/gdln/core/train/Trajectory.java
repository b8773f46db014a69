package io.github.gdln.core.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What was measured along a training run (or predicted by the theory): one {@link Point} per measurement.
 *
 * @param contexts names of the task's contexts, in order
 * @param trained  whether each context is trained
 * @param points   the measurements, by increasing epoch
 */
public record Trajectory(List<String> contexts, boolean[] trained, List<Point> points) {
    public Trajectory {
        contexts = List.copyOf(contexts);
        trained = trained.clone();
        points = List.copyOf(points);
    }

    /**
     * One measurement.
     *
     * @param epoch             epochs of training (for gradient flow: time t in units of 1/learning-rate)
     * @param loss              the training objective on the whole training set
     * @param trainedLoss       mean per-context loss over trained contexts
     * @param untrainedLoss     mean per-context loss over untrained contexts; absent when every context is trained
     * @param trainedAccuracy   accuracy on trained contexts, when the task classifies
     * @param untrainedAccuracy accuracy on untrained contexts, when the task classifies and has any
     * @param contextLoss       loss per context
     * @param singularValues    leading singular values of the tracked edges, by edge name
     * @param extras            further measurements an engine reports (e.g. on a test split), by name, in order
     */
    public record Point(double epoch, double loss, double trainedLoss, OptionalDouble untrainedLoss,
                        OptionalDouble trainedAccuracy, OptionalDouble untrainedAccuracy, double[] contextLoss,
                        Map<String, double[]> singularValues, Map<String, Double> extras) {
        public Point {
            contextLoss = contextLoss.clone();
            singularValues = Map.copyOf(singularValues);
            extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        }

        /** A point without extra measurements. */
        public Point(double epoch, double loss, double trainedLoss, OptionalDouble untrainedLoss,
                     OptionalDouble trainedAccuracy, OptionalDouble untrainedAccuracy, double[] contextLoss,
                     Map<String, double[]> singularValues) {
            this(epoch, loss, trainedLoss, untrainedLoss, trainedAccuracy, untrainedAccuracy, contextLoss,
                    singularValues, Map.of());
        }
    }

    /** The last point. */
    public Point last() {
        return points.get(points.size() - 1);
    }

    /** The losses (training objective) of all points. */
    public double[] losses() {
        return points.stream().mapToDouble(Point::loss).toArray();
    }

    /** The epochs of all points. */
    public double[] epochs() {
        return points.stream().mapToDouble(Point::epoch).toArray();
    }

    /**
     * The first epoch at which the loss falls below {@code level} (linearly interpolated between points), or empty
     * if it never does.
     */
    public OptionalDouble crossing(double level) {
        for (int i = 1; i < points.size(); i++) {
            double a = points.get(i - 1).loss();
            double b = points.get(i).loss();
            if (a >= level && b < level) {
                double ea = points.get(i - 1).epoch();
                double eb = points.get(i).epoch();
                return OptionalDouble.of(ea + (a - level) / (a - b) * (eb - ea));
            }
        }
        return OptionalDouble.empty();
    }
}
