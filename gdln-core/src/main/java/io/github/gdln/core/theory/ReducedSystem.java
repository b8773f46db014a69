package io.github.gdln.core.theory;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

/**
 * The reduced dynamics of THEORY.md 2.2, derived by {@link NeuralRaceReduction}: one scalar per edge and mode,
 * τ db_k/dt = Σ_{π∋k} Π_{k'∈π, k'≠k} b_{k'} [s(π) − Σ_{π'} u_{π'} d(π', π)].
 *
 * <p><b>Time and loss scales (derived, not fitted).</b> The engine's objective has gradient −κ × (the path-form
 * flow), κ = 2 · scale · w ({@link PathStatistics#gradientFactor()}). Gradient descent at learning rate η is therefore
 * the Euler map b ← b + η κ F(b) of the flow above, and gradient flow in epochs is db/d(epoch) = η κ F(b): one epoch
 * is η κ units of THEORY time τ = 1 ({@link #theoryTimePerEpoch}); for the routing toy (scale 1/7, sum over pairs)
 * this is THEORY 3.2's dt = lr · 3.5 once its 1/M² loss normalisation is accounted for. The loss of context c is
 * scale [C_c − 2 Σ_π u_π s_c(π) + Σ_{π,π'} u_{π'} u_π d_c(π', π)], exactly the engine's per-context loss while the
 * assumptions hold; the objective is w Σ_{trained c} of it. The singular values of W_e are those of
 * W_e(0) + Σ_{k∈e} (b_k − b_k(0)) f_β f_αᵀ: |b| on the carried modes plus the untouched rest of W_e(0).
 */
public final class ReducedSystem {
    /** Mode-projected statistics: s per scalar path, d per (π', π) pair, the target energy, and misalignments. */
    record Projection(double[] s, int[][] pairs, double[] d, double energy, double offYx, String offYxWhere,
                      double offX, String offXWhere) {
    }

    private final PathStatistics stats;
    private final double[][][] w0;
    private final double[][][] basis;
    private final List<ScalarEdge> scalars;
    private final List<ScalarPath> scalarPaths;
    private final Projection training;
    private final Projection[] perContext;
    private final double[] b0;

    ReducedSystem(PathStatistics stats, GatedNetwork net, double[][][] basis, List<ScalarEdge> scalars,
                  List<ScalarPath> scalarPaths, Projection training, Projection[] perContext) {
        this.stats = stats;
        this.w0 = Paths.weights(net);
        this.basis = basis;
        this.scalars = List.copyOf(scalars);
        this.scalarPaths = List.copyOf(scalarPaths);
        this.training = training;
        this.perContext = perContext;
        this.b0 = scalars.stream().mapToDouble(ScalarEdge::initial).toArray();
    }

    public List<ScalarEdge> scalarEdges() {
        return scalars;
    }

    public List<ScalarPath> scalarPaths() {
        return scalarPaths;
    }

    /** s(π) of scalar path {@code q} with the training statistics. */
    public double strength(int q) {
        return training.s()[q];
    }

    /** The orthonormal basis (columns = modes, carried modes first) of node {@code v}. */
    public double[][] basis(int v) {
        return Dense.copy(basis[v]);
    }

    /** The initial strengths b_k(0). */
    public double[] initial() {
        return b0.clone();
    }

    /** THEORY time per epoch of gradient descent at learning rate {@code lr}: η κ. */
    public double theoryTimePerEpoch(double lr) {
        return lr * stats.gradientFactor();
    }

    /** u_π for every scalar path. */
    public double[] products(double[] b) {
        double[] u = new double[scalarPaths.size()];
        for (int q = 0; q < u.length; q++) {
            double p = 1;
            for (int k : scalarPaths.get(q).chain()) {
                p *= b[k];
            }
            u[q] = p;
        }
        return u;
    }

    /** The right-hand side of THEORY 2.2 in THEORY time (τ = 1). */
    public double[] derivative(double[] b) {
        double[] u = products(b);
        double[] err = training.s().clone();
        int[][] pairs = training.pairs();
        double[] d = training.d();
        for (int i = 0; i < pairs.length; i++) {
            err[pairs[i][1]] -= u[pairs[i][0]] * d[i];
        }
        double[] db = new double[b.length];
        for (int q = 0; q < u.length; q++) {
            if (err[q] == 0) {
                continue;
            }
            int[] chain = scalarPaths.get(q).chain();
            for (int i = 0; i < chain.length; i++) {
                double others = 1;
                for (int j = 0; j < chain.length; j++) {
                    if (j != i) {
                        others *= b[chain[j]];
                    }
                }
                db[chain[i]] += others * err[q];
            }
        }
        return db;
    }

    /** The loss of every context on the engine's scale. */
    public double[] contextLosses(double[] b) {
        double[] u = products(b);
        double[] loss = new double[perContext.length];
        for (int c = 0; c < loss.length; c++) {
            Projection p = perContext[c];
            double fit = 0;
            for (int q : activeScalarPaths(c)) {
                fit += 2 * u[q] * p.s()[q];
            }
            for (int i = 0; i < p.pairs().length; i++) {
                fit -= u[p.pairs()[i][0]] * u[p.pairs()[i][1]] * p.d()[i];
            }
            loss[c] = stats.scale() * (p.energy() - fit);
        }
        return loss;
    }

    private int[] activeScalarPaths(int c) {
        int[] active = stats.context(c).activePaths();
        List<Integer> out = new ArrayList<>();
        for (int q = 0; q < scalarPaths.size(); q++) {
            if (Arrays.binarySearch(active, scalarPaths.get(q).path()) >= 0) {
                out.add(q);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** W_e for strengths {@code b}: W_e(0) + Σ_{k∈e} (b_k − b_k(0)) f_β f_αᵀ. */
    public double[][] weight(int e, double[] b) {
        CompiledGraph g = stats.paths().graph();
        double[][] w = Dense.copy(w0[e]);
        double[][] ft = basis[g.target(e)];
        double[][] fs = basis[g.source(e)];
        for (int k = 0; k < scalars.size(); k++) {
            ScalarEdge s = scalars.get(k);
            if (s.edge() != e || b[k] == b0[k]) {
                continue;
            }
            double db = b[k] - b0[k];
            for (int r = 0; r < w.length; r++) {
                for (int c = 0; c < w[r].length; c++) {
                    w[r][c] += db * ft[r][s.targetMode()] * fs[c][s.sourceMode()];
                }
            }
        }
        return w;
    }

    /**
     * Predicts what the trainer would record with {@code settings}: {@code FULL_BATCH} iterates the Euler map
     * b ← b + η κ F(b) (gradient descent restricted to the modes: exact), {@code GRADIENT_FLOW} integrates
     * db/d(epoch) = η κ F(b) with a Dormand-Prince 8(5,3) integrator at the settings' tolerance. Measurements at
     * epoch 0, every {@code measureEvery} epochs and at the end, on the simulation's loss scale.
     */
    public Prediction predict(TrainerSettings settings) {
        if (settings.method() == TrainerSettings.Method.SGD) {
            throw new IllegalArgumentException("the reduced system predicts full-batch descent or gradient flow, "
                    + "not sgd");
        }
        double rate = theoryTimePerEpoch(settings.learningRate());
        double[] b = b0.clone();
        List<Trajectory.Point> points = new ArrayList<>();
        List<double[]> strengths = new ArrayList<>();
        points.add(point(0, b, settings));
        strengths.add(b.clone());
        double tol = settings.flowTolerance();
        DormandPrince853Integrator integrator = new DormandPrince853Integrator(1e-12, settings.measureEvery(), tol,
                tol);
        FirstOrderDifferentialEquations ode = new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return b0.length;
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] yDot) {
                double[] d = derivative(y);
                for (int i = 0; i < d.length; i++) {
                    yDot[i] = rate * d[i];
                }
            }
        };
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            if (settings.method() == TrainerSettings.Method.FULL_BATCH) {
                double[] d = derivative(b);
                for (int i = 0; i < b.length; i++) {
                    b[i] += rate * d[i];
                }
            } else if (b.length > 0) {
                integrator.integrate(ode, epoch - 1, b, epoch, b);
            }
            if (epoch % settings.measureEvery() == 0 || epoch == settings.epochs()) {
                points.add(point(epoch, b, settings));
                strengths.add(b.clone());
            }
        }
        BoundTask task = stats.task();
        boolean[] trained = new boolean[task.contextCount()];
        for (int c = 0; c < trained.length; c++) {
            trained[c] = task.trained(c);
        }
        Trajectory t = new Trajectory(task.data().contexts().stream().map(c -> c.name()).toList(), trained, points);
        return new Prediction(t, scalars, strengths.toArray(new double[0][]));
    }

    private Trajectory.Point point(double epoch, double[] b, TrainerSettings settings) {
        CompiledGraph g = stats.paths().graph();
        Map<String, double[]> sv = new LinkedHashMap<>();
        for (String edge : settings.trackedEdges()) {
            double[] s = Matrices.singularValues(weight(g.edgeIndex(edge), b));
            sv.put(edge, Arrays.copyOf(s, Math.min(settings.singularValues(), s.length)));
        }
        return StatisticsObjective.point(stats.task(), epoch, contextLosses(b), sv);
    }
}
