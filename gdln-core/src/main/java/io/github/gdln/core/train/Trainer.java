package io.github.gdln.core.train;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.theory.StatisticsObjective;
import io.github.gdln.core.util.Finite;
import io.github.gdln.core.util.Shuffle;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p><b>Divergence</b> (the one rule of every engine; reads only, so it never changes a run that does not diverge).
 * Training stops with a {@link DivergenceException} naming the epoch, the step (or the gradient-flow time), what was
 * not finite and the learning rate when: the training loss of a step is not finite; the gradient of a step has a
 * non-finite element (one pass over the flat gradient per step; for gradient flow, every derivative evaluation of
 * the integrator); a parameter is not finite after an epoch (one pass over the flat parameters per epoch); or a
 * measured loss is not finite. The losses are computed stably ({@code util.SoftmaxCrossEntropy}), so a loss is
 * non-finite only when parameters or activations are. There is no other bound: a large but finite loss, gradient or
 * parameter is reported, never treated as divergence.
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
     * Trains from {@code startEpoch} (resuming: {@code momentum} and the points measured so far may be given),
     * measuring every {@code measure-every} epochs and after the last.
     *
     * @param momentum the momentum buffer to continue with, or null for zeros
     * @param earlier  points already measured before {@code startEpoch}
     */
    public Trajectory train(GatedNetwork net, BoundTask task, long rootSeed, int startEpoch, INDArray momentum,
                            List<Trajectory.Point> earlier, Listener listener) {
        Session session = start(net, task, rootSeed);
        if (startEpoch > 0 || momentum != null) {
            session.restore(startEpoch, momentum);
        }
        List<Trajectory.Point> points = new ArrayList<>(earlier);
        if (startEpoch == 0) {
            record(points, session.measure(), listener);
        }
        for (int epoch = startEpoch + 1; epoch <= settings.epochs(); epoch++) {
            session.trainEpoch();
            boolean last = epoch == settings.epochs();
            if (epoch % settings.measureEvery() == 0 || last) {
                record(points, session.measure(), listener);
            }
            if (!last && listener.stopAfter(epoch, net, session.momentum())) {
                break;
            }
        }
        return new Trajectory(task.data().contexts().stream().map(c -> c.name()).toList(), task.trainedFlags(),
                points);
    }

    /** Starts an epoch-by-epoch training of {@code net} (in place) at epoch 0 with a zero momentum buffer. */
    public Session start(GatedNetwork net, BoundTask task, long rootSeed) {
        return new Session(net, task, rootSeed);
    }

    /** One training of one network, advanced an epoch at a time (the generic engine's {@link EngineRun} core). */
    public final class Session {
        private final GatedNetwork net;
        private final BoundTask task;
        private final long rootSeed;
        private final java.util.function.DoubleFunction<Trajectory.Point> measure;
        private final Measurer measurer;
        /** Full-batch sample backprop: a measurement's forward pass also gives the next step's gradient. */
        private final boolean fused;
        /** Whether {@code grad} holds the full-batch gradient at the current weights (from the last measurement). */
        private boolean gradientReady;
        private final Objective objective;
        private final StatisticsObjective statistics;
        private final INDArray velocity;
        private final INDArray grad;
        private GradientFlow flow;
        private int epoch;

        private Session(GatedNetwork net, BoundTask task, long rootSeed) {
            this.net = net;
            this.task = task;
            this.rootSeed = rootSeed;
            Propagator propagator = new Propagator(task, net.dataType());
            measurer = new Measurer(task, propagator, settings.trackedEdges(), settings.singularValues());
            statistics = settings.gradient() == TrainerSettings.Gradient.STATISTICS ? StatisticsObjective.of(task)
                    : null;
            measure = statistics == null
                    ? t -> measurer.measure(net, t)
                    : t -> statistics.measure(net, t, settings.trackedEdges(), settings.singularValues());
            objective = statistics == null
                    ? (samples, g) -> propagator.objective(net, samples, g)
                    : (samples, g) -> statistics.objective(net, g);
            velocity = net.newGradient();
            grad = net.newGradient();
            fused = statistics == null && settings.method() == TrainerSettings.Method.FULL_BATCH;
        }

        /** Epochs trained. */
        public int epoch() {
            return epoch;
        }

        /** The network being trained (live). */
        public GatedNetwork network() {
            return net;
        }

        /** The momentum buffer (live). */
        public INDArray momentum() {
            return velocity;
        }

        /** Continues after {@code epochs} epochs with the network's current parameters and {@code momentum}. */
        public void restore(int epochs, INDArray momentum) {
            epoch = epochs;
            if (momentum == null) {
                velocity.assign(0);
            } else {
                velocity.assign(momentum);
            }
            flow = null;
            gradientReady = false;
        }

        /** Trains one more epoch. @throws DivergenceException by the rule of {@link Trainer} */
        public void trainEpoch() {
            epoch++;
            if (settings.method() == TrainerSettings.Method.GRADIENT_FLOW) {
                if (flow == null) {
                    flow = new GradientFlow(net, objective, statistics, task.data().sampleCount());
                }
                flow.advance(epoch - 1, epoch);
            } else {
                runEpoch(net, task, gradientReady ? null : objective, velocity, grad, rootSeed, epoch);
            }
            gradientReady = false;
            long bad = Finite.firstNonFinite(net.parameters());
            if (bad >= 0) {
                throw diverged("epoch " + epoch, "parameter " + bad + " is " + net.parameters().getDouble(bad)
                        + " after the epoch's last step");
            }
        }

        /** Measures the network now. @throws DivergenceException when the measured loss is not finite */
        public Trajectory.Point measure() {
            Trajectory.Point p;
            if (fused && epoch < settings.epochs()) {
                grad.assign(0);
                p = measurer.measure(net, epoch, grad);
                gradientReady = true;
            } else {
                p = measure.apply(epoch);
            }
            if (!Double.isFinite(p.loss())) {
                double e = p.epoch();
                throw diverged("the measurement at epoch " + (e == Math.rint(e) ? Long.toString((long) e)
                        : Double.toString(e)), "the loss is " + p.loss());
            }
            return p;
        }
    }

    private static void record(List<Trajectory.Point> points, Trajectory.Point p, Listener listener) {
        points.add(p);
        listener.measured(p);
    }

    /**
     * One epoch of updates. {@code propagator} null: full batch, and {@code grad} already holds the gradient at the
     * current weights (from the last measurement).
     */
    private void runEpoch(GatedNetwork net, BoundTask task, Objective propagator, INDArray velocity, INDArray grad,
                          long rootSeed, int epoch) {
        int n = task.data().sampleCount();
        int[] order = Shuffle.identity(n);
        int batch = n;
        if (settings.method() == TrainerSettings.Method.SGD) {
            order = Shuffle.epochOrder(rootSeed, epoch, n);
            batch = Math.min(settings.batchSize(), n);
        }
        for (int start = 0, step = 0; start < n; start += batch, step++) {
            if (propagator != null) {
                int[] samples = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batch));
                grad.assign(0);
                double loss = propagator.value(samples, grad);
                if (!Double.isFinite(loss)) {
                    throw diverged("epoch " + epoch + ", step " + step, "the loss is " + loss);
                }
            }
            long bad = Finite.firstNonFinite(grad);
            if (bad >= 0) {
                throw diverged("epoch " + epoch + ", step " + step, "gradient element " + bad + " is "
                        + grad.getDouble(bad));
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

    /** The divergence error: {@code where} (epoch, step), {@code what} was not finite, and the learning rate. */
    private DivergenceException diverged(String where, String what) {
        return new DivergenceException("training diverged in " + where + ": " + what + " (learning-rate "
                + settings.learningRate() + "); lower the learning rate or the initialisation scale");
    }

    /**
     * dW/dt = −η ∂L/∂W over all samples, integrated with Dormand-Prince 8(5,3); a non-finite loss or gradient at any
     * state the integrator evaluates is divergence.
     */
    private final class GradientFlow implements FirstOrderDifferentialEquations {
        private final GatedNetwork net;
        private final Objective propagator;
        private final int[] all;
        private final INDArray grad;
        private final FirstOrderIntegrator integrator;
        private final double[] state;
        private final StatisticsObjective statistics;
        private final double[] flatGrad;
        /** The epoch being integrated (for the divergence message). */
        private int epoch;

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
            epoch = (int) to;
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
                checkFinite(t, statistics.objective(y, flatGrad), flatGrad);
                double eta = settings.learningRate();
                for (int i = 0; i < flatGrad.length; i++) {
                    yDot[i] = -eta * flatGrad[i];
                }
                return;
            }
            net.parameters().assign(Nd4j.create(y, new long[] {1, y.length}, DataType.DOUBLE).castTo(net.dataType()));
            grad.assign(0);
            double loss = propagator.value(all, grad);
            double[] g = grad.castTo(DataType.DOUBLE).toDoubleVector();
            checkFinite(t, loss, g);
            double eta = settings.learningRate();
            for (int i = 0; i < g.length; i++) {
                yDot[i] = -eta * g[i];
            }
        }

        private void checkFinite(double t, double loss, double[] gradient) {
            String where = "epoch " + epoch + " (gradient flow" + (Double.isFinite(t) ? " at time " + t : "") + ")";
            if (!Double.isFinite(loss)) {
                throw diverged(where, "the loss is " + loss);
            }
            int bad = Finite.firstNonFinite(gradient);
            if (bad >= 0) {
                throw diverged(where, "gradient element " + bad + " is " + gradient[bad]);
            }
        }
    }
}
