package io.github.gdln.core.train;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.util.Matrices;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Measures a network on a bound task: every context (trained and untrained) on every sample, in chunks, plus the
 * singular values of the tracked edges. Produces a {@link Trajectory.Point}.
 */
public final class Measurer {
    private static final int CHUNK = 4096;
    private final BoundTask task;
    private final Propagator propagator;
    private final List<String> trackedEdges;
    private final int singularValues;

    public Measurer(BoundTask task, Propagator propagator, List<String> trackedEdges, int singularValues) {
        this.task = task;
        this.propagator = propagator;
        this.trackedEdges = List.copyOf(trackedEdges);
        this.singularValues = singularValues;
        trackedEdges.forEach(task.graph()::edgeIndex); // fails early on an unknown edge name
    }

    /** Measures {@code net} at {@code epoch}. */
    public Trajectory.Point measure(GatedNetwork net, double epoch) {
        int n = task.data().sampleCount();
        int contexts = task.contextCount();
        double[] loss = new double[contexts];
        long[] correct = new long[contexts];
        for (int start = 0; start < n; start += CHUNK) {
            int[] samples = new int[Math.min(CHUNK, n - start)];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = start + i;
            }
            Propagator.Pass pass = propagator.evaluate(net, samples);
            for (int k = 0; k < pass.contexts().length; k++) {
                loss[pass.contexts()[k]] += pass.loss()[k] * samples.length / n;
                correct[pass.contexts()[k]] += pass.correct()[k];
            }
        }
        int[] trained = task.trainedContexts();
        int[] untrained = task.untrainedContexts();
        double objective = task.contextWeight() * Arrays.stream(trained).mapToDouble(c -> loss[c]).sum();
        boolean classifies = task.loss().classifies();
        Map<String, double[]> sv = new LinkedHashMap<>();
        for (String edge : trackedEdges) {
            double[] s = Matrices.singularValues(net.weightMatrix(task.graph().edgeIndex(edge)));
            sv.put(edge, Arrays.copyOf(s, Math.min(singularValues, s.length)));
        }
        return new Trajectory.Point(epoch, objective, mean(loss, trained).orElseThrow(), mean(loss, untrained),
                classifies ? accuracy(correct, trained, n) : OptionalDouble.empty(),
                classifies ? accuracy(correct, untrained, n) : OptionalDouble.empty(), loss, sv);
    }

    private static OptionalDouble mean(double[] values, int[] which) {
        return Arrays.stream(which).mapToDouble(c -> values[c]).average();
    }

    private static OptionalDouble accuracy(long[] correct, int[] which, int n) {
        if (which.length == 0) {
            return OptionalDouble.empty();
        }
        long total = Arrays.stream(which).mapToLong(c -> correct[c]).sum();
        return OptionalDouble.of((double) total / ((long) which.length * n));
    }
}
