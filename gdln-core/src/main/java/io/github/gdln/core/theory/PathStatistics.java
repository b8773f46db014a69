package io.github.gdln.core.theory;

import io.github.gdln.api.LossKind;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The path statistics of docs/theory.md §1.3, computed exactly in float64 from a task's base samples and contexts
 * without materialising samples x contexts:
 * <ul>
 *   <li>per context c: Σ^yx_c(p) = ⟨g_p y_{t(p)} x_{s(p)}ᵀ⟩ and Σ^x_c(j, p) = ⟨g_j x_{s(j)} x_{s(p)}ᵀ g_p⟩ for the
 *       paths j ∈ 𝒯(p), averages over the N base samples (⟨·⟩ = (1/N) Σ_s), and the target energy
 *       C_c = Σ_{o open in c} ⟨||y_o||²⟩;</li>
 *   <li>for training: Σ^yx(p) = Σ_{trained c} Σ^yx_c(p), Σ^x(j, p) = Σ_{trained c} Σ^x_c(j, p).</li>
 * </ul>
 * Paths whose gates are constant in a context reuse one raw correlation ⟨y_o x_iᵀ⟩ or ⟨x_j x_iᵀ⟩ per node pair,
 * scaled by the gate; per-sample gates are weighted sample by sample, in chunks.
 *
 * <p><b>Normalisation.</b> The engine's objective (gdln-api {@code Loss}) is
 * L = w Σ_{trained c} scale ⟨Σ_{o open} ||y_o − h_o||²⟩ with w = 1 or 1/#trained. With
 * h_o = Σ_{p: t(p)=o} g_p W_p x_{s(p)} (docs/theory.md §1.3) this is
 * L = w scale [Σ C_c − 2 Σ_p tr(W_pᵀ Σ^yx(p)) + Σ_p Σ_{j∈𝒯(p)} tr(W_j Σ^x(j,p) W_pᵀ)], whose gradient is
 * ∂L/∂W_e = −κ Σ_{p∈𝒫(e)} W_{t̄(p,e)}ᵀ ℰ(p) W_{s̄(p,e)}ᵀ with ℰ(p) = Σ^yx(p) − Σ_{j∈𝒯(p)} W_j Σ^x(j,p) and
 * κ = 2 · scale · w ({@link #gradientFactor()}). The paper's normalisation (scale ½, one context) has κ = 1; gradient
 * descent at rate η therefore runs the paper's flow τ dW/dt = Σ W_t̄ᵀ ℰ W_s̄ᵀ with τ = 1 at t = η κ · epoch
 * (docs/theory.md §1.6).
 */
public final class PathStatistics {
    private static final int CHUNK = 4096;

    /**
     * The statistics of one context.
     *
     * @param context       context index
     * @param activePaths   paths whose gate is not identically zero in this context
     * @param yx            Σ^yx_c(p) by path index (active paths only)
     * @param x             Σ^x_c(j, p) by key {@code j * pathCount + p} (active pairs with a common output only)
     * @param targetEnergy  C_c = Σ_{o open in c} ⟨||y_o||²⟩
     */
    public record ContextStatistics(int context, int[] activePaths, Map<Integer, double[][]> yx,
                                    Map<Long, double[][]> x, double targetEnergy) {
    }

    private final BoundTask task;
    private final Paths paths;
    private final ContextStatistics[] contexts;
    private final double[][][] yx;
    private final Map<Long, double[][]> x = new LinkedHashMap<>();
    private final int[][] partners;
    private final double trainedEnergy;

    private PathStatistics(BoundTask task, Paths paths, ContextStatistics[] contexts) {
        this.task = task;
        this.paths = paths;
        this.contexts = contexts;
        int np = paths.size();
        yx = new double[np][][];
        double energy = 0;
        for (int c : task.trainedContexts()) {
            ContextStatistics cs = contexts[c];
            energy += cs.targetEnergy();
            cs.yx().forEach((p, m) -> {
                if (yx[p] == null) {
                    yx[p] = Dense.copy(m);
                } else {
                    Dense.addScaled(yx[p], 1, m);
                }
            });
            cs.x().forEach((k, m) -> x.merge(k, Dense.copy(m), (a, b) -> {
                Dense.addScaled(a, 1, b);
                return a;
            }));
        }
        CompiledGraph g = paths.graph();
        for (int p = 0; p < np; p++) {
            if (yx[p] == null) {
                Path path = paths.path(p);
                yx[p] = new double[g.width(path.target())][g.width(path.source())];
            }
        }
        List<List<Integer>> part = new ArrayList<>();
        for (int p = 0; p < np; p++) {
            part.add(new ArrayList<>());
        }
        for (long k : x.keySet()) {
            part.get((int) (k % np)).add((int) (k / np));
        }
        partners = part.stream().map(l -> l.stream().mapToInt(Integer::intValue).sorted().toArray())
                .toArray(int[][]::new);
        trainedEnergy = energy;
    }

    /** Computes the statistics of {@code task} over its paths (enumerated with the default cap). */
    public static PathStatistics of(BoundTask task) {
        return of(task, Paths.of(task.graph()));
    }

    /** Computes the statistics of {@code task} over {@code paths}; the task's loss must be squared error. */
    public static PathStatistics of(BoundTask task, Paths paths) {
        if (task.loss().kind() != LossKind.SQUARED_ERROR) {
            throw new IllegalArgumentException("path statistics need a squared-error loss; the task's loss is "
                    + task.loss().kind());
        }
        if (paths.graph() != task.graph()) {
            throw new IllegalArgumentException("the paths were enumerated on another graph than the task's");
        }
        return new Builder(task, paths).build();
    }

    public BoundTask task() {
        return task;
    }

    public Paths paths() {
        return paths;
    }

    /** Σ^yx(p) summed over the trained contexts (n_{t(p)} x n_{s(p)}, zeros when p is never trained). */
    public double[][] yx(int p) {
        return yx[p];
    }

    /** Σ^x(j, p) summed over the trained contexts, or null when it is zero (j and p never co-active). */
    public double[][] x(int j, int p) {
        return x.get((long) j * paths.size() + p);
    }

    /** The paths j ∈ 𝒯(p) with a non-zero Σ^x(j, p). */
    public int[] partners(int p) {
        return partners[p].clone();
    }

    int[] partnersView(int p) {
        return partners[p];
    }

    /** The statistics of context {@code c}. */
    public ContextStatistics context(int c) {
        return contexts[c];
    }

    /** Σ_{trained c} C_c. */
    public double trainedTargetEnergy() {
        return trainedEnergy;
    }

    /** The squared-error factor {@code scale} of the task's loss. */
    public double scale() {
        return task.loss().scale();
    }

    /** w: the weight of a trained context in the objective (1, or 1/#trained). */
    public double contextWeight() {
        return task.contextWeight();
    }

    /** κ = 2 · scale · w: ∂L/∂W_e = −κ Σ_{p∈𝒫(e)} W_t̄ᵀ ℰ(p) W_s̄ᵀ (see the class comment). */
    public double gradientFactor() {
        return 2 * scale() * contextWeight();
    }

    /** Builds the statistics in one pass over the samples. */
    private static final class Builder {
        private final BoundTask task;
        private final Paths paths;
        private final CompiledGraph g;
        private final int n;
        /** Raw correlations by key: yx -> (o, i), x -> (i', i). */
        private final Map<List<Integer>, double[][]> raw = new HashMap<>();
        private final List<Weighted> weighted = new ArrayList<>();
        private final Map<Integer, double[][]>[] ctxYx;
        private final Map<Long, double[][]>[] ctxX;

        /** A statistic with per-sample weights ga[s] gb[s]; {@code a} is an output (yx) or input (x) node. */
        private record Weighted(boolean yx, int a, int b, double[] ga, double[] gb, double[][] out) {
        }

        @SuppressWarnings("unchecked")
        Builder(BoundTask task, Paths paths) {
            this.task = task;
            this.paths = paths;
            this.g = task.graph();
            this.n = task.data().sampleCount();
            ctxYx = new Map[task.contextCount()];
            ctxX = new Map[task.contextCount()];
        }

        PathStatistics build() {
            int np = paths.size();
            int[][] active = new int[task.contextCount()][];
            for (int c = 0; c < task.contextCount(); c++) {
                ContextGates gates = task.gates(c);
                double[][] gp = new double[np][];
                List<Integer> act = new ArrayList<>();
                for (int p = 0; p < np; p++) {
                    gp[p] = paths.gate(p, gates);
                    if (!ContextGates.isClosed(gp[p])) {
                        act.add(p);
                    }
                }
                active[c] = act.stream().mapToInt(Integer::intValue).toArray();
                ctxYx[c] = new LinkedHashMap<>();
                ctxX[c] = new LinkedHashMap<>();
                for (int p : active[c]) {
                    Path path = paths.path(p);
                    ctxYx[c].put(p, plan(true, path.target(), path.source(), null, gp[p]));
                    for (int j : active[c]) {
                        Path pj = paths.path(j);
                        if (pj.target() == path.target()) {
                            ctxX[c].put((long) j * np + p, plan(false, pj.source(), path.source(), gp[j], gp[p]));
                        }
                    }
                }
            }
            double[] energy = accumulate();
            ContextStatistics[] stats = new ContextStatistics[task.contextCount()];
            int[] outputs = g.outputs();
            for (int c = 0; c < stats.length; c++) {
                // resolve constant-gate statistics from the raw correlations
                resolve(ctxYx[c]);
                resolve(ctxX[c]);
                double e = 0;
                for (int o = 0; o < outputs.length; o++) {
                    if (!ContextGates.isClosed(task.gates(c).node(outputs[o]))) {
                        e += energy[o];
                    }
                }
                stats[c] = new ContextStatistics(c, active[c], Map.copyOf(ctxYx[c]), Map.copyOf(ctxX[c]), e);
            }
            return new PathStatistics(task, paths, stats);
        }

        /** Constant-gate statistics are placeholders {gate, key...} resolved after the pass; see {@link #resolve}. */
        private final Map<double[][], Object[]> pending = new HashMap<>();

        private double[][] plan(boolean isYx, int a, int b, double[] ga, double[] gb) {
            double[][] out = new double[g.width(a)][g.width(b)];
            boolean constant = (ga == null || ga.length == 1) && gb.length == 1;
            if (constant) {
                List<Integer> key = List.of(isYx ? 0 : 1, a, b);
                raw.computeIfAbsent(key, k -> new double[g.width(a)][g.width(b)]);
                double gate = (ga == null ? 1.0 : ga[0]) * gb[0];
                pending.put(out, new Object[] {key, gate});
            } else {
                weighted.add(new Weighted(isYx, a, b, ga, gb, out));
            }
            return out;
        }

        private <K> void resolve(Map<K, double[][]> m) {
            for (double[][] out : m.values()) {
                Object[] p = pending.get(out);
                if (p != null) {
                    Dense.addScaled(out, (Double) p[1], raw.get(p[0]));
                }
            }
        }

        /** One pass over the samples in chunks; returns ⟨||y_o||²⟩ per output position. */
        private double[] accumulate() {
            int[] inputs = g.inputs();
            int[] outputs = g.outputs();
            double[] energy = new double[outputs.length];
            int[] posOfOutput = new int[g.nodeCount()];
            for (int o = 0; o < outputs.length; o++) {
                posOfOutput[outputs[o]] = o;
            }
            double[][] xs = new double[g.nodeCount()][];
            double[][] ys = new double[g.nodeCount()][];
            for (int start = 0; start < n; start += CHUNK) {
                int[] samples = new int[Math.min(CHUNK, n - start)];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = start + i;
                }
                for (int v : inputs) {
                    xs[v] = new double[samples.length * g.width(v)];
                    task.data().input(g.node(v).name(), samples, xs[v]);
                }
                for (int v : outputs) {
                    ys[v] = new double[samples.length * g.width(v)];
                    task.data().target(g.node(v).name(), samples, ys[v]);
                    double s = 0;
                    for (double y : ys[v]) {
                        s += y * y;
                    }
                    energy[posOfOutput[v]] += s;
                }
                for (Map.Entry<List<Integer>, double[][]> r : raw.entrySet()) {
                    List<Integer> k = r.getKey();
                    double[] a = k.get(0) == 0 ? ys[k.get(1)] : xs[k.get(1)];
                    addProducts(r.getValue(), a, xs[k.get(2)], samples.length, null, null, start);
                }
                for (Weighted w : weighted) {
                    double[] a = w.yx() ? ys[w.a()] : xs[w.a()];
                    addProducts(w.out(), a, xs[w.b()], samples.length, w.ga(), w.gb(), start);
                }
            }
            double inv = 1.0 / n;
            raw.values().forEach(m -> scale(m, inv));
            weighted.forEach(w -> scale(w.out(), inv));
            for (int o = 0; o < energy.length; o++) {
                energy[o] *= inv;
            }
            return energy;
        }

        /** out += Σ_s ga[s] gb[s] a_s b_sᵀ over the rows of a chunk (a: rows x na, b: rows x nb, row-major). */
        private static void addProducts(double[][] out, double[] a, double[] b, int rows, double[] ga, double[] gb,
                                        int offset) {
            int na = out.length;
            int nb = out[0].length;
            for (int s = 0; s < rows; s++) {
                double w = 1;
                if (ga != null) {
                    w *= ga[ga.length == 1 ? 0 : offset + s];
                }
                if (gb != null) {
                    w *= gb[gb.length == 1 ? 0 : offset + s];
                }
                if (w == 0) {
                    continue;
                }
                int ra = s * na;
                int rb = s * nb;
                for (int r = 0; r < na; r++) {
                    double x = w * a[ra + r];
                    if (x == 0) {
                        continue;
                    }
                    double[] row = out[r];
                    for (int k = 0; k < nb; k++) {
                        row[k] += x * b[rb + k];
                    }
                }
            }
        }

        private static void scale(double[][] m, double f) {
            for (double[] row : m) {
                for (int k = 0; k < row.length; k++) {
                    row[k] *= f;
                }
            }
        }
    }
}
