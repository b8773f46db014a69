package io.github.gdln.core.theory;

import io.github.gdln.core.graph.CompiledGraph;

/**
 * The gradient flow in path form (docs/theory.md §1.4):
 * τ dW_e/dt = Σ_{p∈𝒫(e)} W_{t̄(p,e)}ᵀ ℰ(p) W_{s̄(p,e)}ᵀ with the path error ℰ(p) = Σ^yx(p) − Σ_{j∈𝒯(p)} W_j Σ^x(j,p),
 * computed from {@link PathStatistics} alone, a second gradient independent of backpropagation. With the engine's
 * loss normalisation the objective's gradient is ∂L/∂W_e = −κ × this, κ = {@link PathStatistics#gradientFactor()}.
 *
 * <p>Cost per evaluation: the path products and the partner sums, independent of the number of samples.
 */
public final class PathGradient {
    private PathGradient() {
    }

    /** The path error ℰ(p) for weights {@code w}. */
    public static double[][] error(PathStatistics stats, double[][][] w, int p) {
        PathAlgebra a = new PathAlgebra(stats);
        double[] err = a.error(a.prefixes(PathAlgebra.flatten(w)), p);
        int r = stats.paths().graph().width(stats.paths().path(p).target());
        int c = stats.paths().graph().width(stats.paths().path(p).source());
        return err == null ? new double[r][c] : PathAlgebra.unflatten(err, r, c);
    }

    /** The right-hand side of the path-form flow for every edge, Σ_{p∈𝒫(e)} W_t̄ᵀ ℰ(p) W_s̄ᵀ. */
    public static double[][][] flow(PathStatistics stats, double[][][] w) {
        PathAlgebra a = new PathAlgebra(stats);
        double[][] fw = PathAlgebra.flatten(w);
        double[] flat = new double[a.parameterCount()];
        a.flow(fw, a.prefixes(fw), flat, 1);
        CompiledGraph g = stats.paths().graph();
        double[][][] grad = new double[g.edgeCount()][][];
        int o = 0;
        for (int e = 0; e < grad.length; e++) {
            int r = g.width(g.target(e));
            int c = g.width(g.source(e));
            grad[e] = PathAlgebra.unflatten(java.util.Arrays.copyOfRange(flat, o, o + r * c), r, c);
            o += r * c;
        }
        return grad;
    }
}
