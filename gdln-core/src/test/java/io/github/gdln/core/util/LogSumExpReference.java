package io.github.gdln.core.util;

/**
 * An independent reference for softmax cross-entropy tests: log Σ exp z by a left fold of the two-term identity
 * log(e^a + e^b) = max(a, b) + log1p(e^{−|a − b|}) (never a shift by the row maximum, never an exponent above 0),
 * and softmax as exp(z_q − log Σ exp z). Its relative error is a few ulps of the magnitudes involved (n terms).
 */
public final class LogSumExpReference {
    private LogSumExpReference() {
    }

    /** log Σ_q exp z_q. */
    public static double logSumExp(double[] z) {
        double acc = z[0];
        for (int q = 1; q < z.length; q++) {
            double hi = Math.max(acc, z[q]);
            double lo = Math.min(acc, z[q]);
            acc = hi + Math.log1p(Math.exp(lo - hi));
        }
        return acc;
    }

    /** −log softmax(z)_t. */
    public static double loss(double[] z, int t) {
        return logSumExp(z) - z[t];
    }

    /** softmax(z) − onehot(t). */
    public static double[] gradient(double[] z, int t) {
        double lse = logSumExp(z);
        double[] g = new double[z.length];
        for (int q = 0; q < z.length; q++) {
            g[q] = Math.exp(z[q] - lse) - (q == t ? 1 : 0);
        }
        return g;
    }

    /** Logits spanning ±span: row r has one entry at +span, one at −span, the others uniform in between. */
    public static double[][] wideRows(int rows, int n, double span, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        double[][] z = new double[rows][n];
        for (double[] row : z) {
            for (int q = 0; q < n; q++) {
                row[q] = (2 * rnd.nextDouble() - 1) * span;
            }
            row[rnd.nextInt(n)] = span;
            int low = rnd.nextInt(n);
            row[low] = row[low] == span ? row[low] : -span;
        }
        return z;
    }
}
