package io.github.gdln.core.theory;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Leading singular values of a small dense matrix as the square roots of the eigenvalues of its Gram matrix on the
 * narrower side (AᵀA or AAᵀ, symmetric: Commons Math's tridiagonal QL). Several times cheaper than a full SVD for the
 * tall encoders/decoders of gated networks; the absolute error of σ_i is about ε σ_max² / σ_i (ε = 2.2e-16), far below
 * what any trajectory comparison resolves for the singular values that are tracked (the leading ones).
 */
public final class SingularValues {
    private SingularValues() {
    }

    /** The {@code k} largest singular values of {@code a}, descending (fewer when min(rows, cols) < k). */
    public static double[] leading(double[][] a, int k) {
        int rows = a.length;
        int cols = rows == 0 ? 0 : a[0].length;
        int n = Math.min(rows, cols);
        if (n == 0 || k <= 0) {
            return new double[0];
        }
        double[][] gram = cols <= rows ? Dense.mulTA(a, a) : Dense.mulTB(a, a);
        for (int i = 0; i < n; i++) { // exact symmetry for the symmetric solver
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (gram[i][j] + gram[j][i]);
                gram[i][j] = m;
                gram[j][i] = m;
            }
        }
        double[] ev = new EigenDecomposition(new Array2DRowRealMatrix(gram, false)).getRealEigenvalues();
        double[] s = new double[ev.length];
        for (int i = 0; i < ev.length; i++) {
            s[i] = Math.sqrt(Math.max(0, ev[i]));
        }
        Arrays.sort(s);
        double[] out = new double[Math.min(k, n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = s[s.length - 1 - i];
        }
        return out;
    }
}
