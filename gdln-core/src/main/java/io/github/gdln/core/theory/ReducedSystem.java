package io.github.gdln.core.theory;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

/**
 * The reduced dynamics of docs/theory.md §2.2, derived by {@link NeuralRaceReduction}: one scalar per edge and mode,
 * τ db_k/dt = Σ_{π∋k} Π_{k'∈π, k'≠k} b_{k'} [s(π) − Σ_{π'} u_{π'} d(π', π)].
 *
 * <p><b>Time and loss scales (derived, not fitted).</b> The engine's objective has gradient −κ × (the path-form
 * flow), κ = 2 · scale · w ({@link PathStatistics#gradientFactor()}). Gradient descent at learning rate η is therefore
 * the Euler map b ← b + η κ F(b) of the flow above, and gradient flow in epochs is db/d(epoch) = η κ F(b): one epoch
 * is η κ units of theory time, τ = 1 ({@link #theoryTimePerEpoch}, docs/theory.md §1.6); for the routing toy
 * (scale 1/7, sum over pathways) this is the notebook's dt = lr · 3.5 once its 1/M² loss normalisation is accounted
 * for. The loss of context c is scale [C_c − 2 Σ_π u_π s_c(π) + Σ_{π,π'} u_{π'} u_π d_c(π', π)], exactly the engine's
 * per-context loss while the assumptions hold; the objective is w Σ_{trained c} of it. The singular values of W_e are
 * those of W_e(0) + Σ_{k∈e} (b_k − b_k(0)) f_β f_αᵀ: |b| on the carried modes plus the untouched rest of W_e(0).
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
    private final int[][] chains;
    /** Scalar paths active in each context. */
    private final int[][] active;
    /** Scalars of each edge, and the singular values of the part of W_e(0) outside the carried modes. */
    private final int[][] onEdge;
    private final double[][] restSingular;

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
        this.chains = scalarPaths.stream().map(ScalarPath::chain).toArray(int[][]::new);
        this.active = new int[perContext.length][];
        for (int c = 0; c < perContext.length; c++) {
            int[] act = stats.context(c).activePaths();
            List<Integer> out = new ArrayList<>();
            for (int q = 0; q < scalarPaths.size(); q++) {
                if (Arrays.binarySearch(act, scalarPaths.get(q).path()) >= 0) {
                    out.add(q);
                }
            }
            active[c] = out.stream().mapToInt(Integer::intValue).toArray();
        }
        CompiledGraph g = stats.paths().graph();
        this.onEdge = new int[g.edgeCount()][];
        this.restSingular = new double[g.edgeCount()][];
        for (int e = 0; e < g.edgeCount(); e++) {
            List<Integer> mine = new ArrayList<>();
            for (int k = 0; k < scalars.size(); k++) {
                if (scalars.get(k).edge() == e) {
                    mine.add(k);
                }
            }
            onEdge[e] = mine.stream().mapToInt(Integer::intValue).toArray();
            restSingular[e] = restSingularValues(e);
        }
    }

    /**
     * The same reduced dynamics started from {@code net}'s weights, with node bases {@code basis} (input and output
     * bases unchanged, hidden ones chosen by the caller) and initial strengths {@code initial}: the statistics, the
     * scalars and the mode paths are kept; W_e(0), the untouched rest of every edge and b(0) change.
     */
    ReducedSystem startingFrom(GatedNetwork net, double[][][] nodeBases, double[] initial) {
        List<ScalarEdge> moved = new ArrayList<>();
        for (int k = 0; k < scalars.size(); k++) {
            ScalarEdge s = scalars.get(k);
            moved.add(new ScalarEdge(s.edge(), s.edgeName(), s.sourceMode(), s.targetMode(), initial[k]));
        }
        return new ReducedSystem(stats, net, nodeBases, moved, scalarPaths, training, perContext);
    }

    /**
     * Singular values of B_e(0) = F_tᵀ W_e(0) F_s with the rows and columns of the carried modes removed: the part
     * of W_e the reduced dynamics never changes.
     */
    private double[] restSingularValues(int e) {
        CompiledGraph g = stats.paths().graph();
        double[][] b = Dense.mulTA(basis[g.target(e)], Dense.mul(w0[e], basis[g.source(e)]));
        boolean[] rowUsed = new boolean[b.length];
        boolean[] colUsed = new boolean[b.length == 0 ? 0 : b[0].length];
        for (int k : onEdge[e]) {
            rowUsed[scalars.get(k).targetMode()] = true;
            colUsed[scalars.get(k).sourceMode()] = true;
        }
        int rows = 0;
        int cols = 0;
        for (boolean u : rowUsed) {
            rows += u ? 0 : 1;
        }
        for (boolean u : colUsed) {
            cols += u ? 0 : 1;
        }
        if (rows == 0 || cols == 0) {
            return new double[0];
        }
        double[][] rest = new double[rows][cols];
        int r = 0;
        for (int i = 0; i < b.length; i++) {
            if (rowUsed[i]) {
                continue;
            }
            int c = 0;
            for (int j = 0; j < colUsed.length; j++) {
                if (!colUsed[j]) {
                    rest[r][c++] = b[i][j];
                }
            }
            r++;
        }
        return SingularValues.leading(rest, Math.min(rows, cols));
    }

    /**
     * The leading singular values of W_e at strengths {@code b}: the |b_k| of the edge's scalars together with the
     * constant singular values of the untouched rest of B_e(0) (exact while the aligned-start check holds: W_e is then
     * block diagonal in the node bases, one 1 × 1 block per scalar plus the rest). No matrix is formed.
     */
    public double[] singularValues(int e, double[] b, int count) {
        double[] rest = restSingular[e];
        double[] all = new double[onEdge[e].length + rest.length];
        for (int i = 0; i < onEdge[e].length; i++) {
            all[i] = Math.abs(b[onEdge[e][i]]);
        }
        System.arraycopy(rest, 0, all, onEdge[e].length, rest.length);
        Arrays.sort(all);
        double[] out = new double[Math.min(count, all.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = all[all.length - 1 - i];
        }
        return out;
    }

    /** The paths of the graph the system was reduced from. */
    Paths paths() {
        return stats.paths();
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

    /** Theory time (docs/theory.md §1.6) per epoch of gradient descent at learning rate {@code lr}: η κ. */
    public double theoryTimePerEpoch(double lr) {
        return lr * stats.gradientFactor();
    }

    /** u_π for every scalar path. */
    public double[] products(double[] b) {
        double[] u = new double[chains.length];
        for (int q = 0; q < u.length; q++) {
            double p = 1;
            for (int k : chains[q]) {
                p *= b[k];
            }
            u[q] = p;
        }
        return u;
    }

    /** The right-hand side of docs/theory.md §2.2 in theory time (τ = 1). */
    public double[] derivative(double[] b) {
        double[] db = new double[b.length];
        derivative(b, db, 1);
        return db;
    }

    /** db = rate × F(b) (overwritten). */
    private void derivative(double[] b, double[] db, double rate) {
        double[] u = products(b);
        double[] err = training.s().clone();
        int[][] pairs = training.pairs();
        double[] d = training.d();
        for (int i = 0; i < pairs.length; i++) {
            err[pairs[i][1]] -= u[pairs[i][0]] * d[i];
        }
        Arrays.fill(db, 0);
        for (int q = 0; q < u.length; q++) {
            double eq = err[q];
            if (eq == 0) {
                continue;
            }
            int[] chain = chains[q];
            for (int i = 0; i < chain.length; i++) {
                double others = eq;
                for (int j = 0; j < chain.length; j++) {
                    if (j != i) {
                        others *= b[chain[j]];
                    }
                }
                db[chain[i]] += others;
            }
        }
        if (rate != 1) {
            for (int i = 0; i < db.length; i++) {
                db[i] *= rate;
            }
        }
    }

    /** The loss of every context on the engine's scale. */
    public double[] contextLosses(double[] b) {
        double[] u = products(b);
        double[] loss = new double[perContext.length];
        for (int c = 0; c < loss.length; c++) {
            Projection p = perContext[c];
            double fit = 0;
            for (int q : active[c]) {
                fit += 2 * u[q] * p.s()[q];
            }
            for (int i = 0; i < p.pairs().length; i++) {
                fit -= u[p.pairs()[i][0]] * u[p.pairs()[i][1]] * p.d()[i];
            }
            loss[c] = stats.scale() * (p.energy() - fit);
        }
        return loss;
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
     * The singular values of the tracked edges where the reduced gradient flow comes to rest at the learning rate of
     * {@code s}: the flow is run over {@code s.epochs()} epochs, then over doubling horizons (at most 8), until no
     * value moves by more than 1e-6 relative between two horizons. Empty when no edge is tracked.
     */
    public Map<String, double[]> fixedPoints(TrainerSettings s) {
        Map<String, double[]> fixed = new LinkedHashMap<>();
        if (s.trackedEdges().isEmpty()) {
            return fixed;
        }
        int horizon = Math.max(1, s.epochs());
        double[] prev = null;
        Trajectory.Point end = null;
        for (int round = 0; round < 8; round++, horizon *= 2) {
            TrainerSettings flow = new TrainerSettings(TrainerSettings.Method.GRADIENT_FLOW, horizon,
                    s.learningRate(), 0, 1, horizon, 1e-10, s.trackedEdges(), s.singularValues());
            end = predict(flow).trajectory().last();
            double[] b = end.singularValues().values().stream().flatMapToDouble(Arrays::stream).toArray();
            if (prev != null && prev.length == b.length) {
                double gap = 0;
                for (int i = 0; i < b.length; i++) {
                    gap = Math.max(gap, Math.abs(b[i] - prev[i]) / Math.max(1e-12, Math.abs(b[i])));
                }
                if (gap < 1e-6) {
                    break;
                }
            }
            prev = b;
        }
        fixed.putAll(end.singularValues());
        return fixed;
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
                derivative(y, yDot, rate);
            }
        };
        double[] d = new double[b.length];
        boolean euler = settings.method() == TrainerSettings.Method.FULL_BATCH;
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            if (euler) {
                derivative(b, d, rate);
                for (int i = 0; i < b.length; i++) {
                    b[i] += d[i];
                }
            } else if (b.length > 0) {
                // integrate straight to the next measurement (the integrator's steps are not tied to epochs)
                int every = settings.measureEvery();
                int next = Math.min(settings.epochs(), (epoch + every - 1) / every * every);
                integrator.integrate(ode, epoch - 1, b, next, b);
                epoch = next;
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
            sv.put(edge, singularValues(g.edgeIndex(edge), b, settings.singularValues()));
        }
        return StatisticsObjective.point(stats.task(), epoch, contextLosses(b), sv);
    }
}
