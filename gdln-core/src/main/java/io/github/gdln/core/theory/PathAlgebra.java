package io.github.gdln.core.theory;

import io.github.gdln.core.graph.CompiledGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The path algebra of docs/theory.md §1.3 evaluated with shared sub-path products, on flat row-major {@code double[]}
 * matrices (hand loops: the matrices of the path algebra are narrow, n × n_{s(p)}, and ND4J's per-call overhead
 * exceeds their arithmetic).
 *
 * <p><b>Prefix trie.</b> The paths are merged into a trie of their antecedent chains: one node per distinct prefix
 * (e_1, …, e_k), so the product P(e_1..e_k) = W_{e_k} P(e_1..e_{k−1}) (n_{t(e_k)} × n_{s(p)}) is computed once for
 * every path sharing it; W_p is the product of the path's last prefix. The gradient
 * Σ_{p∈𝒫(e)} W_{t̄(p,e)}ᵀ ℰ(p) W_{s̄(p,e)}ᵀ is accumulated backwards through the same trie: with
 * G(node) = [ℰ(p) if the node's prefix is the path p] + Σ_{children c} W_{e_c}ᵀ G(c) (= Σ over the paths below
 * the node of W_t̄ᵀ ℰ(p)), edge e of a node receives G(node) P(parent)ᵀ (G(node) itself at the trie's first level,
 * where the antecedent is empty). Every subsequent chain W_t̄ᵀ is thus applied once per prefix, not once per
 * path: for the routing toy (M² paths through the shared edge) the cost falls from O(M² n²) products of the
 * 64 × 64 hidden weight to O(M). Nothing here depends on the number of samples.
 */
final class PathAlgebra {
    private final Paths paths;
    private final CompiledGraph graph;
    private final int np;
    /** Flat parameter offsets per edge (row-major n_t x n_s, the engine's layout). */
    private final int[] offset;
    private final int parameterCount;
    /** Trie nodes in creation order (parents first). */
    private final int[] nodeEdge;
    private final int[] nodeParent; // -1 at the first level
    private final int[] nodeRows;   // n_{t(e)}
    private final int[] nodeCols;   // n_{s(p)}
    /** Trie node at which each path ends. */
    private final int[] pathEnd;
    /** Paths ending at each trie node (usually one or none). */
    private final int[][] endsAt;
    /** Training statistics, flat: Σ^yx(p), and the partners j of p with Σ^x(j, p). */
    private final double[][] yx;
    private final int[][] partner;
    private final double[][][] partnerX;
    private final boolean[] live;

    PathAlgebra(PathStatistics stats) {
        this.paths = stats.paths();
        this.graph = paths.graph();
        this.np = paths.size();
        offset = new int[graph.edgeCount() + 1];
        for (int e = 0; e < graph.edgeCount(); e++) {
            offset[e + 1] = offset[e] + graph.width(graph.target(e)) * graph.width(graph.source(e));
        }
        parameterCount = offset[graph.edgeCount()];
        List<int[]> nodes = new ArrayList<>(); // {edge, parent, rows, cols}
        Map<List<Integer>, Integer> byPrefix = new HashMap<>();
        pathEnd = new int[np];
        for (Path p : paths.paths()) {
            int parent = -1;
            List<Integer> prefix = new ArrayList<>();
            int cols = graph.width(p.source());
            prefix.add(p.source()); // the input node starts the chain (first edges may leave several inputs)
            for (int e : p.edges()) {
                prefix.add(e);
                Integer id = byPrefix.get(prefix);
                if (id == null) {
                    id = nodes.size();
                    nodes.add(new int[] {e, parent, graph.width(graph.target(e)), cols});
                    byPrefix.put(List.copyOf(prefix), id);
                }
                parent = id;
            }
            pathEnd[p.index()] = parent;
        }
        int nn = nodes.size();
        nodeEdge = new int[nn];
        nodeParent = new int[nn];
        nodeRows = new int[nn];
        nodeCols = new int[nn];
        for (int t = 0; t < nn; t++) {
            int[] d = nodes.get(t);
            nodeEdge[t] = d[0];
            nodeParent[t] = d[1];
            nodeRows[t] = d[2];
            nodeCols[t] = d[3];
        }
        List<List<Integer>> ends = new ArrayList<>();
        for (int t = 0; t < nn; t++) {
            ends.add(new ArrayList<>());
        }
        for (int p = 0; p < np; p++) {
            ends.get(pathEnd[p]).add(p);
        }
        endsAt = ends.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        yx = new double[np][];
        partner = new int[np][];
        partnerX = new double[np][][];
        live = new boolean[np];
        for (int p = 0; p < np; p++) {
            yx[p] = flatten(stats.yx(p));
            partner[p] = stats.partnersView(p).clone();
            partnerX[p] = new double[partner[p].length][];
            for (int k = 0; k < partner[p].length; k++) {
                partnerX[p][k] = flatten(stats.x(partner[p][k], p));
            }
            boolean any = partner[p].length > 0;
            for (double v : yx[p]) {
                any |= v != 0;
            }
            live[p] = any;
        }
    }

    int parameterCount() {
        return parameterCount;
    }

    /** The weights W_e as flat row-major arrays, cut from a flat parameter vector in the engine's layout. */
    double[][] split(double[] flat) {
        double[][] w = new double[graph.edgeCount()][];
        for (int e = 0; e < w.length; e++) {
            w[e] = java.util.Arrays.copyOfRange(flat, offset[e], offset[e + 1]);
        }
        return w;
    }

    /** Flat weights from {@code double[][]} matrices. */
    static double[][] flatten(double[][][] w) {
        double[][] f = new double[w.length][];
        for (int e = 0; e < w.length; e++) {
            f[e] = flatten(w[e]);
        }
        return f;
    }

    static double[] flatten(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        double[] f = new double[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, f, i * cols, cols);
        }
        return f;
    }

    static double[][] unflatten(double[] f, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(f, i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** The trie's prefix products for weights {@code w}; {@link #pathWeight} reads W_p from them. */
    double[][] prefixes(double[][] w) {
        int nn = nodeEdge.length;
        double[][] pre = new double[nn][];
        for (int t = 0; t < nn; t++) {
            int e = nodeEdge[t];
            int par = nodeParent[t];
            if (par < 0) {
                pre[t] = w[e];
            } else {
                int k = nodeRows[par];
                pre[t] = mul(w[e], nodeRows[t], k, pre[par], nodeCols[t]);
            }
        }
        return pre;
    }

    /** W_p (n_{t(p)} × n_{s(p)}, flat). */
    double[] pathWeight(double[][] pre, int p) {
        return pre[pathEnd[p]];
    }

    int rows(int p) {
        return nodeRows[pathEnd[p]];
    }

    int cols(int p) {
        return nodeCols[pathEnd[p]];
    }

    /** ℰ(p) = Σ^yx(p) − Σ_{j∈𝒯(p)} W_j Σ^x(j, p) with the training statistics (flat), or null when p is dead. */
    double[] error(double[][] pre, int p) {
        if (!live[p]) {
            return null;
        }
        double[] err = yx[p].clone();
        int r = rows(p);
        int c = cols(p);
        for (int k = 0; k < partner[p].length; k++) {
            int j = partner[p][k];
            subMul(err, pathWeight(pre, j), r, cols(j), partnerX[p][k], c);
        }
        return err;
    }

    /**
     * Evaluates the path errors and, when {@code grad} is not null, adds the flow Σ_{p∈𝒫(e)} W_t̄ᵀ ℰ(p) W_s̄ᵀ times
     * {@code factor} to it (flat, engine layout). Returns fit = Σ_p tr(W_pᵀ (Σ^yx(p) + ℰ(p))) =
     * Σ_p tr(W_pᵀ (2Σ^yx(p) − F(p))), the part of the objective that depends on the weights.
     */
    double flow(double[][] w, double[][] pre, double[] grad, double factor) {
        int nn = nodeEdge.length;
        double fit = 0;
        double[][] g = grad == null ? null : new double[nn][];
        for (int p = 0; p < np; p++) {
            double[] err = error(pre, p);
            if (err == null) {
                continue;
            }
            double[] wp = pathWeight(pre, p);
            fit += dot(wp, yx[p]) + dot(wp, err);
            if (g != null) {
                int t = pathEnd[p];
                if (g[t] == null) {
                    g[t] = err;
                } else {
                    add(g[t], err);
                }
            }
        }
        if (g == null) {
            return fit;
        }
        for (int t = nn - 1; t >= 0; t--) {
            double[] gt = g[t];
            if (gt == null) {
                continue;
            }
            int e = nodeEdge[t];
            int par = nodeParent[t];
            int rows = nodeRows[t];
            int cols = nodeCols[t];
            if (par < 0) {
                int o = offset[e];
                for (int i = 0; i < gt.length; i++) {
                    grad[o + i] += factor * gt[i];
                }
            } else {
                int k = nodeRows[par];
                addMulTB(grad, offset[e], factor, gt, rows, cols, pre[par], k);
                double[] back = mulTA(w[e], rows, k, gt, cols); // W_eᵀ G
                if (g[par] == null) {
                    g[par] = back;
                } else {
                    add(g[par], back);
                }
            }
        }
        return fit;
    }

    // ---- kernels on flat row-major matrices ----

    /** a (n×k) b (k×m). */
    static double[] mul(double[] a, int n, int k, double[] b, int m) {
        double[] c = new double[n * m];
        addMul(c, 1, a, n, k, b, m);
        return c;
    }

    /** c −= a (n×k) b (k×m). */
    static void subMul(double[] c, double[] a, int n, int k, double[] b, int m) {
        addMul(c, -1, a, n, k, b, m);
    }

    /** c += sign · a (n×k) b (k×m), sign = ±1 (exact, so both uses round as before). */
    private static void addMul(double[] c, double sign, double[] a, int n, int k, double[] b, int m) {
        for (int i = 0; i < n; i++) {
            int ci = i * m;
            int ai = i * k;
            for (int l = 0; l < k; l++) {
                double x = sign * a[ai + l];
                if (x == 0) {
                    continue;
                }
                int bl = l * m;
                for (int j = 0; j < m; j++) {
                    c[ci + j] += x * b[bl + j];
                }
            }
        }
    }

    /** aᵀ b with a (k×n), b (k×m): n×m. */
    static double[] mulTA(double[] a, int k, int n, double[] b, int m) {
        double[] c = new double[n * m];
        for (int l = 0; l < k; l++) {
            int al = l * n;
            int bl = l * m;
            for (int i = 0; i < n; i++) {
                double x = a[al + i];
                if (x == 0) {
                    continue;
                }
                int ci = i * m;
                for (int j = 0; j < m; j++) {
                    c[ci + j] += x * b[bl + j];
                }
            }
        }
        return c;
    }

    /** c[off..] += f a bᵀ with a (n×m), b (k×m): n×k. */
    static void addMulTB(double[] c, int off, double f, double[] a, int n, int m, double[] b, int k) {
        for (int i = 0; i < n; i++) {
            int ai = i * m;
            int ci = off + i * k;
            for (int j = 0; j < k; j++) {
                int bj = j * m;
                double s = 0;
                for (int l = 0; l < m; l++) {
                    s += a[ai + l] * b[bj + l];
                }
                c[ci + j] += f * s;
            }
        }
    }

    static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
