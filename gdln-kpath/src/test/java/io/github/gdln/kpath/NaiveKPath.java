package io.github.gdln.kpath;

/**
 * Plain double-array reference of the k-path model: loss and gradient by an explicit loop over pathways and samples.
 * Written independently of {@link KPathModel}'s fused step.
 */
final class NaiveKPath {
    final int m, d, h, c;
    double[][][] e;   // [M][H][D]
    double[][] be;    // [M][H]
    double[][] w;     // [H][H]
    double[] cb;      // [H]
    double[][][] f;   // [M][C][H]
    double[][] db;    // [M][C]

    NaiveKPath(int m, int d, int h, int c) {
        this.m = m;
        this.d = d;
        this.h = h;
        this.c = c;
        e = new double[m][h][d];
        be = new double[m][h];
        w = new double[h][h];
        cb = new double[h];
        f = new double[m][c][h];
        db = new double[m][c];
    }

    static NaiveKPath copyOf(KPathModel model) {
        KPathConfig cfg = model.config();
        NaiveKPath n = new NaiveKPath(cfg.domains(), cfg.inputDim(), cfg.hidden(), cfg.classes());
        for (int i = 0; i < n.m; i++) {
            n.e[i] = model.encoder(i).toDoubleMatrix();
        }
        double[] bEnc = KPathModelTest.flat(model.encoderBiases());
        for (int i = 0; i < n.m; i++) {
            System.arraycopy(bEnc, i * n.h, n.be[i], 0, n.h);
        }
        n.w = model.hiddenWeights().toDoubleMatrix();
        n.cb = KPathModelTest.flat(model.hiddenBias());
        double[][] dec = model.decoders().toDoubleMatrix();
        double[] bDec = KPathModelTest.flat(model.decoderBiases());
        for (int j = 0; j < n.m; j++) {
            for (int q = 0; q < n.c; q++) {
                n.f[j][q] = dec[j * n.c + q].clone();
                n.db[j][q] = bDec[j * n.c + q];
            }
        }
        return n;
    }

    /**
     * Loss Σ_ij G_ij mean_s CE_ij(s) / Σ G and, into {@code grad} (same shapes, zeroed first), its gradient.
     *
     * @param xs [M][b][D]: image s as seen by input domain i
     */
    double lossAndGradient(double[][][] xs, int[] labels, boolean[][] gate, int[][] maps, NaiveKPath grad) {
        int b = labels.length;
        int pairs = 0;
        for (boolean[] row : gate) {
            for (boolean g : row) {
                pairs += g ? 1 : 0;
            }
        }
        if (grad != null) {
            grad.zero();
        }
        double loss = 0;
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < b; s++) {
                double[] x = xs[i][s];
                double[] z = new double[h];
                for (int a = 0; a < h; a++) {
                    double v = be[i][a];
                    for (int k = 0; k < d; k++) {
                        v += e[i][a][k] * x[k];
                    }
                    z[a] = v;
                }
                double[] u = new double[h];
                for (int a = 0; a < h; a++) {
                    double v = cb[a];
                    for (int k = 0; k < h; k++) {
                        v += w[a][k] * z[k];
                    }
                    u[a] = v;
                }
                for (int j = 0; j < m; j++) {
                    if (!gate[i][j]) {
                        continue;
                    }
                    double[] y = new double[c];
                    for (int q = 0; q < c; q++) {
                        double v = db[j][q];
                        for (int a = 0; a < h; a++) {
                            v += f[j][q][a] * u[a];
                        }
                        y[q] = v;
                    }
                    int t = maps[j][labels[s]];
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : y) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (double v : y) {
                        sum += Math.exp(v - max);
                    }
                    double scale = 1.0 / ((double) b * pairs);
                    loss += (Math.log(sum) + max - y[t]) * scale;
                    if (grad == null) {
                        continue;
                    }
                    double[] dy = new double[c];
                    for (int q = 0; q < c; q++) {
                        dy[q] = (Math.exp(y[q] - max) / sum - (q == t ? 1 : 0)) * scale;
                    }
                    double[] du = new double[h];
                    for (int q = 0; q < c; q++) {
                        grad.db[j][q] += dy[q];
                        for (int a = 0; a < h; a++) {
                            grad.f[j][q][a] += dy[q] * u[a];
                            du[a] += dy[q] * f[j][q][a];
                        }
                    }
                    double[] dz = new double[h];
                    for (int a = 0; a < h; a++) {
                        grad.cb[a] += du[a];
                        for (int k = 0; k < h; k++) {
                            grad.w[a][k] += du[a] * z[k];
                            dz[k] += du[a] * w[a][k];
                        }
                    }
                    for (int a = 0; a < h; a++) {
                        grad.be[i][a] += dz[a];
                        for (int k = 0; k < d; k++) {
                            grad.e[i][a][k] += dz[a] * x[k];
                        }
                    }
                }
            }
        }
        return loss;
    }

    void zero() {
        for (int i = 0; i < m; i++) {
            for (double[] row : e[i]) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(be[i], 0);
            for (double[] row : f[i]) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(db[i], 0);
        }
        for (double[] row : w) {
            java.util.Arrays.fill(row, 0);
        }
        java.util.Arrays.fill(cb, 0);
    }

    /** Blocks flattened in the order of {@link KPathModel#momentumBlock}: 0 E, 1 W, 2 F, 3 b, 4 c, 5 d. */
    double[] block(int which) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        switch (which) {
            case 0 -> { for (double[][] ei : e) for (double[] r : ei) for (double v : r) out.add(v); }
            case 1 -> { for (double[] r : w) for (double v : r) out.add(v); }
            case 2 -> { for (double[][] fj : f) for (double[] r : fj) for (double v : r) out.add(v); }
            case 3 -> { for (double[] r : be) for (double v : r) out.add(v); }
            case 4 -> { for (double v : cb) out.add(v); }
            case 5 -> { for (double[] r : db) for (double v : r) out.add(v); }
            default -> throw new IllegalArgumentException("which " + which);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
