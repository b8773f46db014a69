package io.github.gdln.core.theory;

import io.github.gdln.core.graph.CompiledGraph;

/**
 * The gradient flow in path form (THEORY.md 1.3, slide 8):
 * τ dW_e/dt = Σ_{p∈𝒫(e)} W_{t̄(p,e)}ᵀ ℰ(p) W_{s̄(p,e)}ᵀ with the path error ℰ(p) = Σ^yx(p) − Σ_{j∈𝒯(p)} W_j Σ^x(j,p),
 * computed from {@link PathStatistics} alone, a second gradient independent of backpropagation. With the engine's
 * loss normalisation the objective's gradient is ∂L/∂W_e = −κ × this, κ = {@link PathStatistics#gradientFactor()}.
 *
 * <p>Cost per evaluation: the path products and the partner sums, independent of the number of samples.
 */
public final class PathGradient {
    private PathGradient() {
    }

    /** The path products W_p of every path (prefix products kept per position) for the weights {@code w}. */
    static double[][][][] prefixes(Paths paths, double[][][] w) {
        double[][][][] pre = new double[paths.size()][][][];
        for (Path p : paths.paths()) {
            int[] e = p.edges();
            double[][][] m = new double[e.length][][];
            m[0] = w[e[0]];
            for (int k = 1; k < e.length; k++) {
                m[k] = Dense.mul(w[e[k]], m[k - 1]);
            }
            pre[p.index()] = m;
        }
        return pre;
    }

    /** W_p from the prefixes. */
    static double[][] pathWeight(double[][][][] pre, int p) {
        return pre[p][pre[p].length - 1];
    }

    /** F(p) = Σ_{j∈𝒯(p)} W_j Σ^x(j, p) with the training statistics. */
    static double[][] predicted(PathStatistics stats, double[][][][] pre, int p) {
        Path path = stats.paths().path(p);
        CompiledGraph g = stats.paths().graph();
        double[][] f = new double[g.width(path.target())][g.width(path.source())];
        for (int j : stats.partnersView(p)) {
            Dense.addScaled(f, 1, Dense.mul(pathWeight(pre, j), stats.x(j, p)));
        }
        return f;
    }

    /** The path error ℰ(p) for weights {@code w}. */
    public static double[][] error(PathStatistics stats, double[][][] w, int p) {
        double[][][][] pre = prefixes(stats.paths(), w);
        double[][] e = Dense.copy(stats.yx(p));
        Dense.addScaled(e, -1, predicted(stats, pre, p));
        return e;
    }

    /** The right-hand side of the path-form flow for every edge, Σ_{p∈𝒫(e)} W_t̄ᵀ ℰ(p) W_s̄ᵀ. */
    public static double[][][] flow(PathStatistics stats, double[][][] w) {
        return flow(stats, w, prefixes(stats.paths(), w), null);
    }

    /**
     * The flow with precomputed prefixes; when {@code errors} is not null it receives ℰ(p) per path (used to
     * evaluate the objective without recomputing).
     */
    static double[][][] flow(PathStatistics stats, double[][][] w, double[][][][] pre, double[][][] errors) {
        Paths paths = stats.paths();
        CompiledGraph g = paths.graph();
        double[][][] grad = new double[g.edgeCount()][][];
        for (int e = 0; e < grad.length; e++) {
            grad[e] = new double[g.width(g.target(e))][g.width(g.source(e))];
        }
        for (Path p : paths.paths()) {
            double[][] err = Dense.copy(stats.yx(p.index()));
            Dense.addScaled(err, -1, predicted(stats, pre, p.index()));
            if (errors != null) {
                errors[p.index()] = err;
            }
            int[] edges = p.edges();
            double[][] left = err;     // (W_{e_L} ⋯ W_{e_{k+1}})ᵀ ℰ(p)
            for (int k = edges.length - 1; k >= 0; k--) {
                int e = edges[k];
                if (k == 0) {
                    Dense.addScaled(grad[e], 1, left);
                } else {
                    Dense.addScaled(grad[e], 1, Dense.mulTB(left, pre[p.index()][k - 1]));
                }
                if (k > 0) {
                    left = Dense.mulTA(w[e], left);
                }
            }
        }
        return grad;
    }
}
