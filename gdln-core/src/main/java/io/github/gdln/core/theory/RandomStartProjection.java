package io.github.gdln.core.theory;

import io.github.gdln.core.engine.AlignedInitializer;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The neural race reduction started from a random (not aligned) network: the scalar system is the one of the aligned
 * start (its modes, mode paths and projected statistics depend on the data only), and its initial strengths are
 * projected from the network's own initial weights.
 *
 * <p><b>Projection.</b> Input and output nodes keep the statistics' mode bases. Every hidden node h gets one unit
 * direction f_{h,β} per mode it carries, the direction into which the early (small-weight) dynamics grows that mode:
 * the sum of the forward images W_e f_{s(e),α} of the modes feeding it and of the backward images W_eᵀ f_{t(e),γ} of
 * the modes it feeds, f_{h,β} ∝ Σ_{k: e→(h,β)} W_e f_{s,α_k} + Σ_{k: (h,β)→e} W_eᵀ f_{t,β_k}, orthonormalised per
 * node and iterated (forward and backward sweeps) to a fixed point. Each scalar's start is then the component
 * b_k(0) = f_{t,β}ᵀ W_e f_{s,α}. For one path of two edges this is exact in the sense of the growing mode: with
 * a = W_1 v and c = W_2ᵀ u, the early dynamics grow z = a + c as e^{st} and shrink a − c, and the balanced scalars
 * b_1 = b_2 = |z| / 2 have the same growing part (see docs/theory-random-starts.md for the derivation). The
 * components of W_e outside the carried modes are kept as the untouched rest of every edge.
 *
 * <p>The result is an approximation: the reduction's assumptions hold for the data, but the start is not aligned,
 * so the parts of the weights outside the modes and the early rotation of the hidden directions are not modelled.
 */
public final class RandomStartProjection {
    /** Sweeps of the hidden-direction fixed point (each one forward and one backward over the nodes). */
    static final int SWEEPS = 20;

    private RandomStartProjection() {
    }

    /**
     * The reduced system for {@code net}: exactly {@link NeuralRaceReduction#reduce(BoundTask, GatedNetwork)} when
     * the start is aligned, otherwise the aligned system's dynamics started from the projection of {@code net}'s
     * weights. Fails, listing the failed checks, when the data violate the reduction's assumptions (loss, shared
     * singular vectors, whitened or shared Σx).
     */
    public static ReducedSystem reduce(BoundTask task, GatedNetwork net) {
        ReductionAssessment own = NeuralRaceReduction.assess(task, net);
        if (own.holds()) {
            return NeuralRaceReduction.reduce(task, net);
        }
        GatedNetwork aligned = net.copy();
        new AlignedInitializer(1).initialize(aligned, task, new SplittableRandom(0));
        ReducedSystem structure = NeuralRaceReduction.reduce(task, aligned);
        return project(task.graph(), structure, net);
    }

    /** Whether {@link #reduce} would project (the network's own start is not aligned) rather than reduce exactly. */
    public static boolean projects(BoundTask task, GatedNetwork net) {
        return !NeuralRaceReduction.assess(task, net).holds();
    }

    private static ReducedSystem project(CompiledGraph g, ReducedSystem structure, GatedNetwork net) {
        double[][][] w = Paths.weights(net);
        List<ScalarEdge> scalars = structure.scalarEdges();
        int n = g.nodeCount();
        // modes carried by each node: the largest mode index a scalar touches there, plus one
        int[] carried = new int[n];
        for (ScalarEdge s : scalars) {
            carried[g.source(s.edge())] = Math.max(carried[g.source(s.edge())], s.sourceMode() + 1);
            carried[g.target(s.edge())] = Math.max(carried[g.target(s.edge())], s.targetMode() + 1);
        }
        double[][][] f = new double[n][][]; // f[v][mode] = unit direction (rows)
        boolean[] hidden = new boolean[n];
        for (int v = 0; v < n; v++) {
            double[][] basis = structure.basis(v);
            hidden[v] = !g.isInput(v) && g.outEdges(v).length > 0;
            f[v] = new double[carried[v]][];
            for (int m = 0; m < carried[v]; m++) {
                f[v][m] = hidden[v] ? new double[g.width(v)] : Dense.column(basis, m);
            }
        }
        settleHidden(g, f, hidden, w, scalars);
        double[] initial = new double[scalars.size()];
        for (int k = 0; k < initial.length; k++) {
            ScalarEdge s = scalars.get(k);
            int e = s.edge();
            initial[k] = Dense.vdot(f[g.target(e)][s.targetMode()], Dense.mulVec(w[e], f[g.source(e)][s.sourceMode()]));
        }
        double[][][] bases = new double[n][][];
        for (int v = 0; v < n; v++) {
            bases[v] = NeuralRaceReduction.complete(List.of(f[v]), g.width(v));
        }
        return structure.startingFrom(net, bases, initial);
    }

    /** Iterates the hidden directions to their fixed point (forward and backward sweeps). */
    private static void settleHidden(CompiledGraph g, double[][][] f, boolean[] hidden, double[][][] w,
                                     List<ScalarEdge> scalars) {
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int v = 0; v < f.length; v++) {
                if (hidden[v]) {
                    f[v] = growthDirections(g, v, f, w, scalars);
                }
            }
            for (int v = f.length - 1; v >= 0; v--) {
                if (hidden[v]) {
                    f[v] = growthDirections(g, v, f, w, scalars);
                }
            }
        }
    }

    /** One update of node v's mode directions: forward plus backward images, orthonormalised in mode order. */
    private static double[][] growthDirections(CompiledGraph g, int v, double[][][] f, double[][][] w,
                                               List<ScalarEdge> scalars) {
        double[][] z = new double[f[v].length][g.width(v)];
        for (ScalarEdge s : scalars) {
            int e = s.edge();
            if (g.target(e) == v) {
                add(z[s.targetMode()], Dense.mulVec(w[e], f[g.source(e)][s.sourceMode()]));
            }
            if (g.source(e) == v) {
                add(z[s.sourceMode()], Dense.mulTVec(w[e], f[g.target(e)][s.targetMode()]));
            }
        }
        List<double[]> out = new ArrayList<>();
        for (double[] c : z) {
            if (!Matrices.appendOrthonormal(out, c, 1e-12)) {
                throw new IllegalStateException("random-start projection: a mode of node '" + g.node(v).name()
                        + "' has no component in the initial weights");
            }
        }
        return out.toArray(new double[0][]);
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
