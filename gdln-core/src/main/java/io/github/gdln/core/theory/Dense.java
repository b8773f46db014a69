package io.github.gdln.core.theory;

/** Small dense float64 matrix kernels on row-major {@code double[][]} for the theory's path algebra. */
final class Dense {
    private Dense() {
    }

    static double[][] zeros(int rows, int cols) {
        return new double[rows][cols];
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** a b. */
    static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] ci = c[i];
            double[] ai = a[i];
            for (int l = 0; l < k; l++) {
                double x = ai[l];
                if (x == 0) {
                    continue;
                }
                double[] bl = b[l];
                for (int j = 0; j < m; j++) {
                    ci[j] += x * bl[j];
                }
            }
        }
        return c;
    }

    /** aᵀ b. */
    static double[][] mulTA(double[][] a, double[][] b) {
        int k = a.length;
        int n = a[0].length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int l = 0; l < k; l++) {
            double[] al = a[l];
            double[] bl = b[l];
            for (int i = 0; i < n; i++) {
                double x = al[i];
                if (x == 0) {
                    continue;
                }
                double[] ci = c[i];
                for (int j = 0; j < m; j++) {
                    ci[j] += x * bl[j];
                }
            }
        }
        return c;
    }

    /** a bᵀ. */
    static double[][] mulTB(double[][] a, double[][] b) {
        int n = a.length;
        int m = b.length;
        int k = a[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] ai = a[i];
            for (int j = 0; j < m; j++) {
                double[] bj = b[j];
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += ai[l] * bj[l];
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    /** a += f b. */
    static void addScaled(double[][] a, double f, double[][] b) {
        for (int i = 0; i < a.length; i++) {
            double[] ai = a[i];
            double[] bi = b[i];
            for (int j = 0; j < ai.length; j++) {
                ai[j] += f * bi[j];
            }
        }
    }

    static double[][] scaled(double[][] a, double f) {
        double[][] c = new double[a.length][a[0].length];
        addScaled(c, f, a);
        return c;
    }

    /** tr(aᵀ b) = Σ a_ij b_ij. */
    static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }

    static double frobenius(double[][] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** Column {@code j} of {@code a}. */
    static double[] column(double[][] a, int j) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i][j];
        }
        return c;
    }

    static double[] mulVec(double[][] a, double[] v) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += a[i][j] * v[j];
            }
            r[i] = s;
        }
        return r;
    }

    static double[] mulTVec(double[][] a, double[] v) {
        double[] r = new double[a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < r.length; j++) {
                r[j] += a[i][j] * v[i];
            }
        }
        return r;
    }

    static double vdot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(vdot(a, a));
    }
}
