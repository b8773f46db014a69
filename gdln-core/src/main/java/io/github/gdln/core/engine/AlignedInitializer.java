package io.github.gdln.core.engine;

import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.graph.ContextGates;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The aligned ("decoupled") start of docs/theory.md §2.1 (assumption 2): W_e(0) = R_t(e) B_e R_s(e)ᵀ with B_e diagonal
 * (b0 on every diagonal entry), R_v = V_v on input nodes, R_v = U_v on output nodes (the singular vectors of the
 * task's input-output correlations) and a random orthogonal R_v, shared by every edge touching v, on hidden nodes.
 *
 * <p>The correlations are taken per (output node o, input node v) over the trained contexts,
 * C(o, v) = Σ_c ⟨g_o g_v y_o x_vᵀ⟩. V_v are the right singular vectors of the stack of C(·, v); U_o's columns are
 * C(o, v) V_v normalised (so every mode has a positive singular value and signs agree across nodes), completed to an
 * orthonormal basis. When the shared-singular-vector assumption holds this gives exactly the decoupled start that
 * the neural race reduction needs; otherwise it is still a valid, merely not decoupled, initialisation.
 */
public final class AlignedInitializer {
    private final double b0;

    /** An aligned start with every mode's strength b0 on every edge. */
    public AlignedInitializer(double b0) {
        if (!(b0 >= 0) || Double.isInfinite(b0)) {
            throw new IllegalArgumentException("aligned init: b0 must be a finite number >= 0, was " + b0);
        }
        this.b0 = b0;
    }

    /** Initialises {@code net} for {@code task}; hidden bases come from {@code rng}. */
    public void initialize(GatedNetwork net, BoundTask task, SplittableRandom rng) {
        CompiledGraph g = task.graph();
        double[][][] basis = ioBases(g, correlations(task));
        for (int v = 0; v < g.nodeCount(); v++) {
            if (basis[v] == null) {
                basis[v] = Matrices.orthogonal(rng, g.width(v), g.width(v));
            }
        }
        for (int e = 0; e < g.edgeCount(); e++) {
            double[][] rt = basis[g.target(e)];
            double[][] rs = basis[g.source(e)];
            int rows = rt.length;
            int cols = rs.length;
            double[][] w = new double[rows][cols];
            for (int a = 0; a < Math.min(rows, cols); a++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        w[r][c] += b0 * rt[r][a] * rs[c][a];
                    }
                }
            }
            net.setWeight(e, w);
        }
    }

    /**
     * Bases of the input and output nodes, consistent across nodes. Degenerate singular values make each node's own
     * SVD basis arbitrary within the degenerate subspace, so only the first input node of each connected group is
     * decomposed; every other basis is carried over a non-zero correlation, U_o ∝ C(o, v) V_v and
     * V_v ∝ C(o, v)ᵀ U_o, breadth first. Hidden nodes are left null.
     */
    private static double[][][] ioBases(CompiledGraph g, double[][][][] corr) {
        int[] in = g.inputs();
        int[] out = g.outputs();
        double[][][] basis = new double[g.nodeCount()][][];
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>(); // {isInput ? 0 : 1, position}
        for (int i = 0; i < in.length; i++) {
            if (basis[in[i]] != null) {
                continue;
            }
            List<double[][]> stack = new ArrayList<>();
            for (int o = 0; o < out.length; o++) {
                stack.add(corr[o][i]);
            }
            basis[in[i]] = rightSingularBasis(stack, g.width(in[i]));
            queue.add(new int[] {0, i});
            while (!queue.isEmpty()) {
                int[] item = queue.poll();
                if (item[0] == 0) {
                    int v = item[1];
                    for (int o = 0; o < out.length; o++) {
                        if (basis[out[o]] == null && frobenius(corr[o][v]) > 0) {
                            basis[out[o]] = carried(corr[o][v], basis[in[v]], false);
                            queue.add(new int[] {1, o});
                        }
                    }
                } else {
                    int o = item[1];
                    for (int v = 0; v < in.length; v++) {
                        if (basis[in[v]] == null && frobenius(corr[o][v]) > 0) {
                            basis[in[v]] = carried(corr[o][v], basis[out[o]], true);
                            queue.add(new int[] {0, v});
                        }
                    }
                }
            }
        }
        return basis;
    }

    /** Columns C b_a (or Cᵀ b_a when {@code transpose}) for each basis column b_a, orthonormalised and completed. */
    private static double[][] carried(double[][] c, double[][] from, boolean transpose) {
        int n = transpose ? c[0].length : c.length;
        int m = from.length;
        List<double[]> cols = new ArrayList<>();
        for (int a = 0; a < m; a++) {
            double[] col = new double[n];
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < m; k++) {
                    col[r] += (transpose ? c[k][r] : c[r][k]) * from[k][a];
                }
            }
            cols.add(col);
        }
        return orthonormalColumns(cols, n);
    }

    private static double frobenius(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double x : row) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    /** corr[o][i] = Σ_{trained c} ⟨g_o g_i y_o x_iᵀ⟩ over all samples. */
    private static double[][][][] correlations(BoundTask task) {
        CompiledGraph g = task.graph();
        int n = task.data().sampleCount();
        int[] samples = new int[n];
        for (int s = 0; s < n; s++) {
            samples[s] = s;
        }
        int[] in = g.inputs();
        int[] out = g.outputs();
        double[][] x = new double[in.length][];
        double[][] y = new double[out.length][];
        for (int i = 0; i < in.length; i++) {
            x[i] = new double[n * g.width(in[i])];
            task.data().input(g.node(in[i]).name(), samples, x[i]);
        }
        for (int o = 0; o < out.length; o++) {
            y[o] = new double[n * g.width(out[o])];
            task.data().target(g.node(out[o]).name(), samples, y[o]);
        }
        double[][][][] corr = new double[out.length][in.length][][];
        for (int o = 0; o < out.length; o++) {
            for (int i = 0; i < in.length; i++) {
                int no = g.width(out[o]);
                int ni = g.width(in[i]);
                double[][] c = new double[no][ni];
                for (int ctx : task.trainedContexts()) {
                    ContextGates gates = task.gates(ctx);
                    double[] gi = gates.node(in[i]);
                    double[] go = gates.node(out[o]);
                    for (int s = 0; s < n; s++) {
                        double w = gi[gi.length == 1 ? 0 : s] * go[go.length == 1 ? 0 : s] / n;
                        if (w == 0) {
                            continue;
                        }
                        for (int r = 0; r < no; r++) {
                            double yr = w * y[o][s * no + r];
                            for (int k = 0; k < ni; k++) {
                                c[r][k] += yr * x[i][s * ni + k];
                            }
                        }
                    }
                }
                corr[o][i] = c;
            }
        }
        return corr;
    }

    /** Right singular vectors of the vertical stack, by decreasing singular value, completed to n x n. */
    private static double[][] rightSingularBasis(List<double[][]> stack, int n) {
        int rows = stack.stream().mapToInt(m -> m.length).sum();
        double[][] s = new double[rows][];
        int r = 0;
        for (double[][] m : stack) {
            for (double[] row : m) {
                s[r++] = row;
            }
        }
        double[][] v = new SingularValueDecomposition(new Array2DRowRealMatrix(s, false)).getV().getData();
        List<double[]> cols = new ArrayList<>();
        for (int a = 0; a < v[0].length; a++) {
            double[] col = new double[n];
            for (int k = 0; k < n; k++) {
                col[k] = v[k][a];
            }
            cols.add(col);
        }
        return orthonormalColumns(cols, n);
    }

    /**
     * Gram-Schmidt on the candidate columns in order (dropping ones that are numerically dependent), then completed
     * with standard basis vectors; returns an n x n orthogonal matrix whose leading columns follow the candidates.
     */
    static double[][] orthonormalColumns(List<double[]> candidates, int n) {
        List<double[]> basis = new ArrayList<>();
        List<double[]> all = new ArrayList<>(candidates);
        for (int k = 0; k < n; k++) {
            double[] e = new double[n];
            e[k] = 1;
            all.add(e);
        }
        for (double[] c : all) {
            if (basis.size() == n) {
                break;
            }
            Matrices.appendOrthonormal(basis, c, 1e-8);
        }
        double[][] m = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int k = 0; k < n; k++) {
                m[k][a] = basis.get(a)[k];
            }
        }
        return m;
    }
}
