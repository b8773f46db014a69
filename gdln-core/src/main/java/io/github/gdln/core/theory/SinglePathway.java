package io.github.gdln.core.theory;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

/**
 * Exact solutions of an isolated pathway (docs/theory.md §2.3): depth D, input variance d along the mode, correlation
 * s, balanced weights b_e = u^{1/D}, u = Π b_e, in theory time (τ = 1, docs/theory.md §1.6; multiply epochs by
 * {@link ReducedSystem#theoryTimePerEpoch} to get there):
 * τ du/dt = D u^{2−2/D} (s − d u), fixed point u* = s/d, mode loss ½ d (u* − u)².
 */
public final class SinglePathway {
    private SinglePathway() {
    }

    /** u(t): closed forms for D = 1 (exponential) and D = 2 (sigmoid), an ODE solution otherwise. */
    public static double u(int depth, double s, double d, double u0, double t) {
        check(depth, s, d, u0);
        double star = s / d;
        if (depth == 1) {
            return star + (u0 - star) * Math.exp(-d * t);
        }
        if (depth == 2) {
            return star / (1 + (star / u0 - 1) * Math.exp(-2 * s * t));
        }
        if (t == 0) {
            return u0;
        }
        double[] y = {u0};
        new DormandPrince853Integrator(1e-14, Math.max(t, 1e-12), 1e-13, 1e-13).integrate(
                new org.apache.commons.math3.ode.FirstOrderDifferentialEquations() {
                    @Override
                    public int getDimension() {
                        return 1;
                    }

                    @Override
                    public void computeDerivatives(double time, double[] x, double[] dx) {
                        dx[0] = depth * Math.pow(Math.abs(x[0]), 2 - 2.0 / depth) * (s - d * x[0]);
                    }
                }, 0, y, t, y);
        return y[0];
    }

    /**
     * Time to go from u0 to uf: for D = 2 the closed form (τ/2s) ln[u_f(u* − u0) / (u0(u* − u_f))], otherwise the
     * quadrature ∫ du / (D u^{2−2/D}(s − d u)).
     */
    public static double timeToLearn(int depth, double s, double d, double u0, double uf) {
        check(depth, s, d, u0);
        double star = s / d;
        if (!(uf > u0 && uf < star)) {
            throw new IllegalArgumentException("time to learn needs u0 < uf < u* = " + star + "; was u0 = " + u0
                    + ", uf = " + uf);
        }
        if (depth == 2) {
            return Math.log(uf * (star - u0) / (u0 * (star - uf))) / (2 * s);
        }
        return timeToLearn(u -> depth * Math.pow(u, 2 - 2.0 / depth) * (s - d * u), u0, uf);
    }

    /**
     * The quadrature t = ∫_{from}^{to} dx / rate(x) for a one-dimensional flow dx/dt = rate(x) &gt; 0 on the interval
     * (docs/theory.md §3.2's time-to-learn of the shared routing mode is of this form).
     */
    public static double timeToLearn(UnivariateFunction rate, double from, double to) {
        IterativeLegendreGaussIntegrator q = new IterativeLegendreGaussIntegrator(16, 1e-12, 1e-14);
        // split the interval geometrically: the integrand varies over orders of magnitude near small x
        int pieces = 64;
        double total = 0;
        for (int i = 0; i < pieces; i++) {
            double a = from + (to - from) * i / pieces;
            double b = from + (to - from) * (i + 1) / pieces;
            total += q.integrate(Integer.MAX_VALUE, x -> 1.0 / rate.value(x), a, b);
        }
        return total;
    }

    /** The mode loss ½ d (u* − u)². */
    public static double modeLoss(double s, double d, double u) {
        double star = s / d;
        return 0.5 * d * (star - u) * (star - u);
    }

    private static void check(int depth, double s, double d, double u0) {
        if (depth < 1) {
            throw new IllegalArgumentException("pathway depth must be >= 1, was " + depth);
        }
        if (!(s > 0) || !(d > 0)) {
            throw new IllegalArgumentException("pathway needs s > 0 and d > 0; was s = " + s + ", d = " + d);
        }
        if (!(u0 > 0)) {
            throw new IllegalArgumentException("pathway needs u0 > 0, was " + u0);
        }
    }
}
