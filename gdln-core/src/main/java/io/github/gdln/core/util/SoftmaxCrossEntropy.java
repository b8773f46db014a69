package io.github.gdln.core.util;

/**
 * Softmax cross-entropy of one row of logits in a numerically stable form, the one place every gdln loss computes
 * it (the fused k-path step and its evaluation, the generic engine's {@code Propagator}).
 *
 * <p>With m = max_q z_q attained at q = a and r = Σ_{q≠a} exp(z_q − m) (every term in [0, 1], so nothing overflows),
 * log Σ_q exp z_q = m + log1p(r) and the loss of target t is {@code log1p(r) − (z_t − m)}: never log of an
 * underflowed probability, so it stays finite for any finite logits (a target 10^4 below the maximum gives a loss
 * of about 10^4, not infinity), and log1p keeps the relative accuracy of tiny losses (r ≪ 1). The gradient
 * softmax − onehot(t) is written with its target entry as −(Σ_{q≠t} exp(z_q − m)) / Σ_q exp(z_q − m), not as
 * p_t − 1, so it has no cancellation either. All arithmetic is in double whatever the storage precision.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /**
     * Replaces {@code z[from .. from+n)} (logits) by the gradient of the loss, softmax(z) − onehot(target), and
     * returns the loss −log softmax(z)_target. A NaN or +∞ logit gives a non-finite loss.
     *
     * @param target index in [0, n)
     */
    public static double lossAndGradientInPlace(double[] z, int from, int n, int target) {
        return lossAndGradientInPlace(z, from, n, target, 1.0);
    }

    /**
     * As {@link #lossAndGradientInPlace(double[], int, int, int)} with the gradient multiplied by
     * {@code gradientScale} in the same pass (a mean's 1/b, say); the returned loss is not scaled.
     */
    public static double lossAndGradientInPlace(double[] z, int from, int n, int target, double gradientScale) {
        int a = argMax(z, from, n);
        double max = z[from + a];
        double shiftedTarget = z[from + target] - max;
        double rest = exponentiateShifted(z, from, n, a);
        double loss = Math.log1p(rest) - shiftedTarget;
        double sum = 1 + rest;
        double othersThanTarget = target == a ? rest : 1 + (rest - z[from + target]);
        double inv = gradientScale / sum;
        for (int q = 0; q < n; q++) {
            z[from + q] *= inv;
        }
        z[from + target] = -othersThanTarget * inv;
        return loss;
    }

    /**
     * Soft-target form: replaces {@code z[from .. from+n)} by the gradient (Σ_q y_q) softmax(z) − y of the loss
     * Σ_q y_q (log Σ exp z − z_q) and returns that loss, y being {@code y[yFrom .. yFrom+n)} (non-negative, a
     * one-hot or a distribution row). A NaN or +∞ logit gives a non-finite loss.
     */
    public static double lossAndGradientInPlace(double[] z, int from, int n, double[] y, int yFrom) {
        int a = argMax(z, from, n);
        double max = z[from + a];
        double mass = 0;
        double fit = 0;
        for (int q = 0; q < n; q++) {
            double w = y[yFrom + q];
            if (w != 0) {
                mass += w;
                fit += w * (z[from + q] - max);
            }
        }
        double rest = exponentiateShifted(z, from, n, a);
        double scale = mass / (1 + rest);
        for (int q = 0; q < n; q++) {
            z[from + q] = z[from + q] * scale - y[yFrom + q];
        }
        return mass * Math.log1p(rest) - fit;
    }

    /** Replaces z_q by exp(z_q − z_a) (each in [0, 1]) and returns their sum without the a-th term (which is 1). */
    private static double exponentiateShifted(double[] z, int from, int n, int a) {
        double max = z[from + a];
        double rest = 0;
        for (int q = 0; q < n; q++) {
            double e = Math.exp(z[from + q] - max);
            z[from + q] = e;
            rest += q == a ? 0 : e;
        }
        return rest;
    }

    /**
     * The loss −log softmax(z)_target of {@code z[from .. from+n)} without changing z.
     *
     * @param target index in [0, n)
     */
    public static double loss(double[] z, int from, int n, int target) {
        int a = argMax(z, from, n);
        double max = z[from + a];
        double rest = 0;
        for (int q = 0; q < n; q++) {
            rest += q == a ? 0 : Math.exp(z[from + q] - max);
        }
        return Math.log1p(rest) - (z[from + target] - max);
    }

    /**
     * The index (relative to {@code from}) of the largest of {@code z[from .. from+n)}, the first on ties; a NaN
     * entry is returned when there is one (so a NaN row gives a NaN loss rather than a finite one).
     */
    public static int argMax(double[] z, int from, int n) {
        int a = 0;
        double max = z[from];
        for (int q = 1; q < n; q++) {
            double v = z[from + q];
            if (Double.isNaN(v)) {
                return q;
            }
            if (v > max) {
                max = v;
                a = q;
            }
        }
        return a;
    }
}
