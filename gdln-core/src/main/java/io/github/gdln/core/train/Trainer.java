package io.github.gdln.core.train;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.theory.StatisticsObjective;
import io.github.gdln.core.util.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.FirstOrderIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link GatedNetwork} on a {@link BoundTask} by minibatch SGD with momentum, full-batch gradient descent
 * or continuous gradient flow, and records a {@link Trajectory}.
 *
 * <p>Gradient flow integrates τ dW/dt = −∂L/∂W (docs/theory.md §1.2) with τ = 1/η, so that its time t is measured in
 * epochs of gradient descent at learning rate η and the two trajectories share one axis. The batching order of
 * epoch k is drawn from the {@code batching} stream of the root seed mixed with k, so a resumed run sees exactly the
 * batches an uninterrupted one would.
 */
public final class Trainer {

    /** Receives each measurement as it is made; may ask training to stop early (e.g. on an interrupt). */
    public interface Listener {
        void measured(Trajectory.Point point);

        /** Called after every epoch; returning true stops training after that epoch. */
        default boolean stopAfter(int epoch, GatedNetwork net, INDArray momentum) {
            return false;
        }
    }

    private final TrainerSettings settings;

    /** The training objective on some samples, adding its gradient (sample backprop or path statistics). */
    private interface Objective {
        double value(int[] samples, INDArray gradient);
    }

    public Trainer(TrainerSettings settings) {
        this.settings = settings;
    }

    /** Trains from epoch 0 with a fresh momentum buffer. */
    public Trajectory train(GatedNetwork net, BoundTask task, long rootSeed, Listener listener) {
        return train(net, task, rootSeed, 0, null, List.of(), listener);
    }

    /**
     * Trains from {@code startEpoch} (resuming: {@code momentum} and the points measured so far may be given).
     *
     * @param momentum the momentum buffer to continue with, or null for zeros
     * @param earlier  points already measured before {@code startEpoch}
     */
    public Trajectory train(GatedNetwork net, BoundTask task, long rootSeed, int startEpoch, INDArray momentum,
                            List<Trajectory.Point> earlier, Listener listener) {
        Propagator propagator = new Propagator(task, net.dataType());
        Measurer measurer = new Measurer(task, propagator, settings.trackedEdges(), settings.singularValues());
        StatisticsObjective statistics = settings.gradient() == TrainerSettings.Gradient.STATISTICS
                ? StatisticsObjective.of(task) : null;
        java.util.function.DoubleFunction<Trajectory.Point> measure = statistics == null
                ? t -> measurer.measure(net, t)
                : t -> statistics.measure(net, t, settings.trackedEdges(), settings.singularValues());
        Objective objective = statistics == null
                ? (samples, g) -> propagator.objective(net, samples, g)
                : (samples, g) -> statistics.objective(net, g);
        List<Trajectory.Point> points = new ArrayList<>(earlier);
        INDArray velocity = momentum != null ? momentum : net.newGradient();
        INDArray grad = net.newGradient();
        // full-batch sample backprop: a measurement's forward pass also gives the next step's gradient
        boolean fused = statistics == null && settings.method() == TrainerSettings.Method.FULL_BATCH;
        boolean gradientReady = false;
        if (startEpoch == 0) {
            gradientReady = fused && settings.epochs() > 0;
            record(points, gradientReady ? measureWithGradient(measurer, net, 0, grad) : measure.apply(0), listener);
        }
        GradientFlow flow = settings.method() == TrainerSettings.Method.GRADIENT_FLOW
                ? new GradientFlow(net, objective, statistics, task.data().sampleCount()) : null;
        long batchingSeed = Seeds.derive(rootSeed, Seeds.BATCHING);
        for (int epoch = startEpoch + 1; epoch <= settings.epochs(); epoch++) {
            if (flow != null) {
                flow.advance(epoch - 1, epoch);
            } else {
                runEpoch(net, task, gradientReady ? null : objective, velocity, grad,
                        new SplittableRandom(batchingSeed + epoch), epoch);
            }
            boolean last = epoch == settings.epochs();
            gradientReady = fused && !last && epoch % settings.measureEvery() == 0;
            if (gradientReady) {
                record(points, measureWithGradient(measurer, net, epoch, grad), listener);
            } else if (epoch % settings.measureEvery() == 0 || last) {
                record(points, measure.apply(epoch), listener);
            }
            if (!last && listener.stopAfter(epoch, net, velocity)) {
                break;
            }
        }
        return new Trajectory(task.data().contexts().stream().map(c -> c.name()).toList(), trainedFlags(task),
                points);
    }

    private static boolean[] trainedFlags(BoundTask task) {
        boolean[] t = new boolean[task.contextCount()];
        for (int c = 0; c < t.length; c++) {
            t[c] = task.trained(c);
        }
        return t;
    }

    private static void record(List<Trajectory.Point> points, Trajectory.Point p, Listener listener) {
        if (!Double.isFinite(p.loss())) {
            throw new DivergenceException("training diverged: the loss is " + p.loss() + " at epoch " + p.epoch()
                    + "; lower the learning rate or the initialisation scale");
        }
        points.add(p);
        listener.measured(p);
    }

    /** Measures at {@code epoch} and leaves the full-batch gradient at the current weights in {@code grad}. */
    private static Trajectory.Point measureWithGradient(Measurer measurer, GatedNetwork net, int epoch,
                                                        INDArray grad) {
        grad.assign(0);
        return measurer.measure(net, epoch, grad);
    }

    /**
     * One epoch of updates. {@code propagator} null: full batch, and {@code grad} already holds the gradient at the
     * current weights (from the last measurement).
     */
    private void runEpoch(GatedNetwork net, BoundTask task, Objective propagator, INDArray velocity, INDArray grad,
                          SplittableRandom rng, int epoch) {
        int n = task.data().sampleCount();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int batch = n;
        if (settings.method() == TrainerSettings.Method.SGD) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            batch = Math.min(settings.batchSize(), n);
        }
        for (int start = 0; start < n; start += batch) {
            if (propagator != null) {
                int[] samples = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batch));
                grad.assign(0);
                double loss = propagator.value(samples, grad);
                if (!Double.isFinite(loss)) {
                    throw new DivergenceException("training diverged: the loss is " + loss + " in epoch " + epoch
                            + "; lower the learning rate or the initialisation scale");
                }
            }
            if (settings.momentum() > 0) {
                velocity.muli(settings.momentum()).addi(grad);
                Nd4j.getBlasWrapper().level1().axpy(velocity.length(), -settings.learningRate(), velocity,
                        net.parameters());
            } else {
                Nd4j.getBlasWrapper().level1().axpy(grad.length(), -settings.learningRate(), grad, net.parameters());
            }
        }
    }

    /** dW/dt = −η ∂L/∂W over all samples, integrated with Dormand-Prince 8(5,3). */
    private final class GradientFlow implements FirstOrderDifferentialEquations {
        private final GatedNetwork net;
        private final Objective propagator;
        private final int[] all;
        private final INDArray grad;
        private final FirstOrderIntegrator integrator;
        private final double[] state;
        private final StatisticsObjective statistics;
        private final double[] flatGrad;

        GradientFlow(GatedNetwork net, Objective propagator, StatisticsObjective statistics, int n) {
            this.net = net;
            this.propagator = propagator;
            this.statistics = statistics;
            this.all = java.util.stream.IntStream.range(0, n).toArray();
            this.grad = net.newGradient();
            double tol = settings.flowTolerance();
            this.integrator = new DormandPrince853Integrator(1e-12, settings.measureEvery(), tol, tol);
            this.state = net.parameters().castTo(DataType.DOUBLE).toDoubleVector();
            this.flatGrad = new double[state.length];
        }

        void advance(double from, double to) {
            integrator.integrate(this, from, state, to, state);
            net.parameters().assign(Nd4j.create(state, new long[] {1, state.length}, DataType.DOUBLE)
                    .castTo(net.dataType()));
        }

        @Override
        public int getDimension() {
            return state.length;
        }

        @Override
        public void computeDerivatives(double t, double[] y, double[] yDot) {
            if (statistics != null) { // path statistics on the integrator's own float64 state: no ND4J round trip
                statistics.objective(y, flatGrad);
                double eta = settings.learningRate();
                for (int i = 0; i < flatGrad.length; i++) {
                    yDot[i] = -eta * flatGrad[i];
                }
                return;
            }
            net.parameters().assign(Nd4j.create(y, new long[] {1, y.length}, DataType.DOUBLE).castTo(net.dataType()));
            grad.assign(0);
            propagator.value(all, grad);
            double[] g = grad.castTo(DataType.DOUBLE).toDoubleVector();
            double eta = settings.learningRate();
            for (int i = 0; i < g.length; i++) {
                yDot[i] = -eta * g[i];
            }
        }
    }
}
