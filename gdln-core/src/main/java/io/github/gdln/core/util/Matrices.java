package io.github.gdln.core.util;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** Small dense linear-algebra helpers on double[][] (Commons Math), used off the hot path. */
public final class Matrices {
    private Matrices() {
    }

    /** A rows x cols matrix with i.i.d. N(0, 1) entries. */
    public static double[][] gaussian(SplittableRandom rng, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = gaussian(rng);
            }
        }
        return m;
    }

    /** One standard normal draw (Box-Muller on the given stream, so results depend on the seed only). */
    public static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * A random (semi-)orthogonal rows x cols matrix: orthonormal columns when rows &gt;= cols, orthonormal rows
     * otherwise. QR of a Gaussian matrix with the signs of R's diagonal fixed, so the result is Haar-distributed.
     */
    public static double[][] orthogonal(SplittableRandom rng, int rows, int cols) {
        boolean tall = rows >= cols;
        int r = Math.max(rows, cols);
        int c = Math.min(rows, cols);
        RealMatrix a = new Array2DRowRealMatrix(gaussian(rng, r, c), false);
        QRDecomposition qr = new QRDecomposition(a);
        RealMatrix q = qr.getQ().getSubMatrix(0, r - 1, 0, c - 1);
        RealMatrix rr = qr.getR();
        for (int j = 0; j < c; j++) {
            if (rr.getEntry(j, j) < 0) {
                for (int i = 0; i < r; i++) {
                    q.setEntry(i, j, -q.getEntry(i, j));
                }
            }
        }
        return tall ? q.getData() : q.transpose().getData();
    }

    /** Singular values in decreasing order. */
    public static double[] singularValues(double[][] m) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(m, false)).getSingularValues();
    }

    /**
     * One Gram-Schmidt step: orthogonalises {@code candidate} against the orthonormal vectors in {@code basis}
     * (two passes, for accuracy), and appends it normalised unless what is left is below {@code relTol} times its
     * original length (numerically dependent). Returns whether it was appended. {@code candidate} is not modified.
     */
    public static boolean appendOrthonormal(java.util.List<double[]> basis, double[] candidate, double relTol) {
        double[] v = candidate.clone();
        double norm0 = norm(v);
        for (int pass = 0; pass < 2; pass++) {
            for (double[] b : basis) {
                double dot = 0;
                for (int k = 0; k < v.length; k++) {
                    dot += v[k] * b[k];
                }
                for (int k = 0; k < v.length; k++) {
                    v[k] -= dot * b[k];
                }
            }
        }
        double norm = norm(v);
        if (!(norm > relTol * norm0) || norm == 0) {
            return false;
        }
        for (int k = 0; k < v.length; k++) {
            v[k] /= norm;
        }
        basis.add(v);
        return true;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Matrix product a b. */
    public static double[][] multiply(double[][] a, double[][] b) {
        return new Array2DRowRealMatrix(a, false).multiply(new Array2DRowRealMatrix(b, false)).getData();
    }

    /** Transpose. */
    public static double[][] transpose(double[][] a) {
        return new Array2DRowRealMatrix(a, false).transpose().getData();
    }
}
