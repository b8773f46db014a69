package io.github.gdln.core.train;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures a network on a bound task: every context (trained and untrained) on every sample, in chunks, plus the
 * leading singular values of the tracked edges. Produces a {@link Trajectory.Point}.
 *
 * <p>Run after every epoch, so it is built to cost little next to a training step: one forward pass over all
 * contexts per chunk (shared units computed once, the squared-error losses summed in Java), the chunks' sample
 * lists made once, and the singular values only of the tracked edges, by LAPACK's {@code gesvd} without singular
 * vectors. In full-batch training the measurement's forward pass also gives the next step's gradient
 * ({@link #measure(GatedNetwork, double, INDArray)}), so a measured epoch costs one forward pass, not two.
 */
public final class Measurer {
    private static final int CHUNK = 4096;
    private final BoundTask task;
    private final Propagator propagator;
    private final List<String> trackedEdges;
    private final int singularValues;
    private final int[][] chunks;
    private final int[] all;

    public Measurer(BoundTask task, Propagator propagator, List<String> trackedEdges, int singularValues) {
        this.task = task;
        this.propagator = propagator;
        this.trackedEdges = List.copyOf(trackedEdges);
        this.singularValues = singularValues;
        trackedEdges.forEach(task.graph()::edgeIndex); // fails early on an unknown edge name
        int n = task.data().sampleCount();
        this.all = IntStream.range(0, n).toArray();
        this.chunks = new int[(n + CHUNK - 1) / CHUNK][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = IntStream.range(c * CHUNK, Math.min(n, (c + 1) * CHUNK)).toArray();
        }
    }

    /** Measures {@code net} at {@code epoch}. */
    public Trajectory.Point measure(GatedNetwork net, double epoch) {
        return measure(net, epoch, null);
    }

    /**
     * Measures {@code net} at {@code epoch} and, when {@code gradient} is not null, adds the full-batch training
     * gradient at these weights to it from the same forward pass (all samples at once; see
     * {@link Propagator#evaluate(GatedNetwork, int[], INDArray)}).
     */
    public Trajectory.Point measure(GatedNetwork net, double epoch, INDArray gradient) {
        int n = task.data().sampleCount();
        int contexts = task.contextCount();
        double[] loss = new double[contexts];
        long[] correct = new long[contexts];
        for (int[] samples : gradient == null ? chunks : new int[][] {all}) {
            Propagator.Pass pass = gradient == null ? propagator.evaluate(net, samples)
                    : propagator.evaluate(net, samples, gradient);
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
            double[] s = singularValues(net.weight(task.graph().edgeIndex(edge)));
            sv.put(edge, Arrays.copyOf(s, Math.min(singularValues, s.length)));
        }
        return new Trajectory.Point(epoch, objective, mean(loss, trained).orElseThrow(), mean(loss, untrained),
                classifies ? accuracy(correct, trained, n) : OptionalDouble.empty(),
                classifies ? accuracy(correct, untrained, n) : OptionalDouble.empty(), loss, sv);
    }

    /** All singular values of {@code w}, descending: LAPACK gesvd in float64 on a column-major copy, no vectors. */
    static double[] singularValues(INDArray w) {
        INDArray a = w.castTo(DataType.DOUBLE).dup('f'); // gesvd overwrites its input
        INDArray s = Nd4j.create(DataType.DOUBLE, Math.min(w.rows(), w.columns()));
        Nd4j.getBlasWrapper().lapack().gesvd(a, s, null, null);
        return s.data().asDouble();
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
