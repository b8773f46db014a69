package io.github.gdln.core.theory;

import io.github.gdln.core.engine.AlignedInitializer;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The neural race reduction started from a random (not aligned) network: the scalar system is the one of the aligned
 * start (its modes, mode paths and projected statistics depend on the data only), and its initial strengths are
 * projected from the network's own initial weights (derivation and measured errors: docs/theory.md §2.6).
 *
 * <p><b>Projection.</b> Input and output nodes keep the statistics' mode bases. Every hidden node h gets one unit
 * direction f_{h,β} per mode it carries, the direction into which the early (small-weight) dynamics grows that mode:
 * the sum of the forward images W_e f_{s(e),α} of the modes feeding it and of the backward images W_eᵀ f_{t(e),γ} of
 * the modes it feeds, f_{h,β} ∝ Σ_{k: e→(h,β)} W_e f_{s,α_k} + Σ_{k: (h,β)→e} W_eᵀ f_{t,β_k}, with the data's mode
 * vectors oriented along each chain of modes so that the aligned scalars are positive, orthonormalised per node and
 * iterated (forward and backward sweeps) to a fixed point. Each scalar's start is then its component
 * b_k(0) = f_{t,β}ᵀ W_e f_{s,α}. For one path of two edges, with a = W_1 v and c = W_2ᵀ u, the early dynamics grow
 * z = a + c as e^{st} and shrink a − c; the projection onto z/|z| keeps the growing part b_1 + b_2 = |z|.
 *
 * <p><b>Degenerate modes.</b> Modes with the same strengths on every path (the routing toy's s = 3, 3) have no
 * preferred basis in the data: any rotation of them on every input and output node at once is as valid. The
 * projection picks the rotation in which the network's initial map between them, Σ over trained paths of the
 * product of the edges' blocks, is diagonal (its symmetric part's eigenvectors), and settles the hidden directions
 * again.
 *
 * <p>The result is an approximation: the reduction's assumptions hold for the data, but the start is not aligned,
 * so the parts of the weights outside the modes and the early rotation of the hidden directions are not modelled.
 */
public final class RandomStartProjection {
    /** Sweeps of the hidden-direction fixed point (each one forward and one backward over the nodes). */
    static final int SWEEPS = 20;
    /** Rounds of rotating a degenerate group and settling the hidden directions again. */
    static final int ROTATIONS = 5;

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
        Labels labels = Labels.of(g, structure, carried);
        settleHidden(g, f, hidden, w, scalars, labels);
        if (labels != null) {
            for (int[] group : labels.degenerateGroups(structure)) {
                for (int round = 0; round < ROTATIONS; round++) {
                    rotateGroup(g, structure, labels, group, f, hidden, w);
                    settleHidden(g, f, hidden, w, scalars, labels);
                }
            }
        }
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
                                     List<ScalarEdge> scalars, Labels labels) {
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int v = 0; v < f.length; v++) {
                if (hidden[v]) {
                    f[v] = growthDirections(g, v, f, w, scalars, labels);
                }
            }
            for (int v = f.length - 1; v >= 0; v--) {
                if (hidden[v]) {
                    f[v] = growthDirections(g, v, f, w, scalars, labels);
                }
            }
        }
    }

    /** One update of node v's mode directions: forward plus backward images, orthonormalised in mode order. */
    private static double[][] growthDirections(CompiledGraph g, int v, double[][][] f, double[][][] w,
                                               List<ScalarEdge> scalars, Labels labels) {
        double[][] z = new double[f[v].length][g.width(v)];
        for (ScalarEdge s : scalars) {
            int e = s.edge();
            // in the labels' orientation (every aligned scalar positive), so that forward and backward images of
            // one mode add up instead of cancelling where the data's bases flip a sign
            if (g.target(e) == v) {
                double sign = labels == null ? 1 : labels.sign(g.source(e), s.sourceMode());
                add(z[s.targetMode()], sign, Dense.mulVec(w[e], f[g.source(e)][s.sourceMode()]));
            }
            if (g.source(e) == v) {
                double sign = labels == null ? 1 : labels.sign(g.target(e), s.targetMode());
                add(z[s.sourceMode()], sign, Dense.mulTVec(w[e], f[g.target(e)][s.targetMode()]));
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

    private static void add(double[] acc, double factor, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += factor * x[i];
        }
    }

    /**
     * Rotates a degenerate group's modes on every input and output node at once (in the labels' orientation) to the
     * eigenvectors, largest first, of the symmetric part of A = Σ_{trained paths} Π_e B_e, B_e = the group's block
     * of W_e between the current mode directions: the rotation in which the network's initial map between the
     * group's modes is diagonal, so that each mode of the group starts with the strength the weights give it.
     */
    private static void rotateGroup(CompiledGraph g, ReducedSystem structure, Labels labels, int[] group,
                                    double[][][] f, boolean[] hidden, double[][][] w) {
        int m = group.length;
        double[][] a = new double[m][m];
        for (int p : labels.trainedPaths(structure)) {
            double[][] product = Dense.identity(m);
            for (int e : labels.paths.path(p).edges()) {
                double[][] block = new double[m][m];
                for (int r = 0; r < m; r++) {
                    double[] fr = labels.oriented(f, g.target(e), group[r]);
                    for (int c = 0; c < m; c++) {
                        double[] fc = labels.oriented(f, g.source(e), group[c]);
                        block[r][c] = Dense.vdot(fr, Dense.mulVec(w[e], fc));
                    }
                }
                product = Dense.mul(block, product);
            }
            Dense.addScaled(a, 1, product);
        }
        double[][] sym = new double[m][m];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                sym[r][c] = 0.5 * (a[r][c] + a[c][r]);
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(sym, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        for (int v = 0; v < f.length; v++) {
            if (hidden[v]) {
                continue;
            }
            double[][] old = new double[m][];
            for (int i = 0; i < m; i++) {
                old[i] = labels.oriented(f, v, group[i]);
            }
            if (Arrays.stream(old).anyMatch(java.util.Objects::isNull)) {
                continue; // the node does not carry this group
            }
            for (int i = 0; i < m; i++) {
                double[] vec = eig.getEigenvector(order[i]).toArray();
                double[] rotated = new double[old[0].length];
                for (int j = 0; j < m; j++) {
                    add(rotated, vec[j], old[j]);
                }
                int mode = labels.mode(v, group[i]);
                f[v][mode] = rotated;
                if (labels.sign(v, mode) < 0) {
                    for (int r = 0; r < rotated.length; r++) {
                        rotated[r] = -rotated[r];
                    }
                }
            }
        }
    }

    /**
     * The modes of the aligned structure grouped into chains: mode α of s(e) and mode β of t(e) belong to one label
     * when a scalar maps one onto the other, with a sign (the aligned scalar's sign) so that, in the labels'
     * orientation, every aligned scalar is positive. Null when the structure is not a set of clean chains (a node
     * with two modes of one label).
     */
    private static final class Labels {
        final Paths paths;
        final int[][] label;
        final int[][] sign;
        final int[][] modeOf; // [node][label] -> mode, or -1
        final int count;

        private Labels(Paths paths, int[][] label, int[][] sign, int count) {
            this.paths = paths;
            this.label = label;
            this.sign = sign;
            this.count = count;
            this.modeOf = new int[label.length][count];
            for (int v = 0; v < label.length; v++) {
                Arrays.fill(modeOf[v], -1);
                for (int m = 0; m < label[v].length; m++) {
                    if (label[v][m] >= 0) {
                        modeOf[v][label[v][m]] = m;
                    }
                }
            }
        }

        static Labels of(CompiledGraph g, ReducedSystem structure, int[] carried) {
            int n = g.nodeCount();
            int[][] label = new int[n][];
            int[][] sign = new int[n][];
            for (int v = 0; v < n; v++) {
                label[v] = new int[carried[v]];
                sign[v] = new int[carried[v]];
                Arrays.fill(label[v], -1);
            }
            List<ScalarEdge> scalars = structure.scalarEdges();
            int count = 0;
            for (int v : g.inputs()) {
                for (int m = 0; m < carried[v]; m++) {
                    if (label[v][m] >= 0) {
                        continue;
                    }
                    label[v][m] = count;
                    sign[v][m] = 1;
                    boolean grew = true;
                    while (grew) {
                        grew = false;
                        for (ScalarEdge s : scalars) {
                            int src = g.source(s.edge());
                            int tgt = g.target(s.edge());
                            int sg = s.initial() < 0 ? -1 : 1;
                            int ls = label[src][s.sourceMode()];
                            int lt = label[tgt][s.targetMode()];
                            if (ls == count && lt < 0) {
                                label[tgt][s.targetMode()] = count;
                                sign[tgt][s.targetMode()] = sign[src][s.sourceMode()] * sg;
                                grew = true;
                            } else if (lt == count && ls < 0) {
                                label[src][s.sourceMode()] = count;
                                sign[src][s.sourceMode()] = sign[tgt][s.targetMode()] * sg;
                                grew = true;
                            } else if ((ls == count) != (lt == count) && ls >= 0 && lt >= 0) {
                                return null; // one scalar joins two chains
                            }
                        }
                    }
                    count++;
                }
            }
            for (int v = 0; v < n; v++) {
                if (!g.isInput(v) && g.outEdges(v).length > 0) {
                    Arrays.fill(sign[v], 1); // hidden directions are the projection's own, already oriented
                }
                long distinct = Arrays.stream(label[v]).filter(l -> l >= 0).distinct().count();
                if (distinct != Arrays.stream(label[v]).filter(l -> l >= 0).count()) {
                    return null;
                }
            }
            return new Labels(structure.paths(), label, sign, count);
        }

        double sign(int v, int mode) {
            return mode < sign[v].length && label[v][mode] >= 0 ? sign[v][mode] : 1;
        }

        int mode(int v, int lab) {
            return modeOf[v][lab];
        }

        /** Node v's direction of label {@code lab} in the labels' orientation, or null when v does not carry it. */
        double[] oriented(double[][][] f, int v, int lab) {
            int m = modeOf[v][lab];
            if (m < 0) {
                return null;
            }
            double[] d = f[v][m].clone();
            if (sign[v][m] < 0) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = -d[i];
                }
            }
            return d;
        }

        List<Integer> trainedPaths(ReducedSystem structure) {
            java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
            for (int q = 0; q < structure.scalarPaths().size(); q++) {
                if (structure.strength(q) != 0) {
                    out.add(structure.scalarPaths().get(q).path());
                }
            }
            return List.copyOf(out);
        }

        /**
         * Groups (two or more) of labels the data cannot tell apart: for every path, the strengths s(π) of the
         * labels' mode paths, in the labels' orientation, agree to a relative 1e-9. Any rotation of such a group,
         * applied on every node at once, is an equally valid mode basis.
         */
        List<int[]> degenerateGroups(ReducedSystem structure) {
            List<java.util.Map<Integer, Double>> profile = new ArrayList<>();
            for (int l = 0; l < count; l++) {
                profile.add(new java.util.TreeMap<>());
            }
            for (int q = 0; q < structure.scalarPaths().size(); q++) {
                ScalarPath sp = structure.scalarPaths().get(q);
                Path p = paths.path(sp.path());
                int lin = label[p.source()][sp.inputMode()];
                double oriented = structure.strength(q) * sign[p.source()][sp.inputMode()]
                        * sign(p.target(), sp.outputMode());
                profile.get(lin).put(sp.path(), oriented);
            }
            List<int[]> groups = new ArrayList<>();
            boolean[] used = new boolean[count];
            for (int i = 0; i < count; i++) {
                if (used[i] || profile.get(i).values().stream().allMatch(x -> x == 0)) {
                    continue;
                }
                List<Integer> group = new ArrayList<>(List.of(i));
                for (int j = i + 1; j < count; j++) {
                    if (!used[j] && same(profile.get(i), profile.get(j))) {
                        used[j] = true;
                        group.add(j);
                    }
                }
                if (group.size() > 1) {
                    groups.add(group.stream().mapToInt(Integer::intValue).toArray());
                }
            }
            return groups;
        }

        private static boolean same(java.util.Map<Integer, Double> a, java.util.Map<Integer, Double> b) {
            if (!a.keySet().equals(b.keySet())) {
                return false;
            }
            for (var e : a.entrySet()) {
                double x = e.getValue();
                double y = b.get(e.getKey());
                if (Math.abs(x - y) > 1e-9 * Math.max(Math.abs(x), Math.abs(y))) {
                    return false;
                }
            }
            return true;
        }
    }
}
