package io.github.gdln.core.theory;

/**
 * Representation similarity of the routing network's first hidden layer (docs/theory.md §3.2, §3.4): the M x M
 * grid of item-by-item Gram blocks G_ij = (W1_i Xᵀ)ᵀ (W1_j Xᵀ) between the hidden codes of input domains i and j,
 * and the correlation between cross-domain (i ≠ j) and within-domain (i = i) blocks: about 1 when the
 * representation is shared (rich regime), low when every domain has its own code (lazy regime).
 */
public final class RepresentationSimilarity {
    private RepresentationSimilarity() {
    }

    /**
     * The Gram blocks.
     *
     * @param encoders W1_i (hidden x input) per domain
     * @param items    X (items x input), one row per item
     * @return blocks[i][j] = (W1_i Xᵀ)ᵀ (W1_j Xᵀ), items x items
     */
    public static double[][][][] blocks(double[][][] encoders, double[][] items) {
        int m = encoders.length;
        double[][][] codes = new double[m][][];
        for (int i = 0; i < m; i++) {
            codes[i] = Dense.mulTB(encoders[i], items); // hidden x items
        }
        double[][][][] b = new double[m][m][][];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                b[i][j] = Dense.mulTA(codes[i], codes[j]);
            }
        }
        return b;
    }

    /**
     * The mean Pearson correlation between the entries of every cross-domain block G_ij (i ≠ j) and the mean
     * within-domain block (1/M) Σ_i G_ii.
     */
    public static double crossWithinCorrelation(double[][][][] blocks) {
        int m = blocks.length;
        if (m < 2) {
            throw new IllegalArgumentException("cross-domain similarity needs at least 2 domains, was " + m);
        }
        int k = blocks[0][0].length;
        double[][] within = new double[k][k];
        for (int i = 0; i < m; i++) {
            Dense.addScaled(within, 1.0 / m, blocks[i][i]);
        }
        double sum = 0;
        int count = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    sum += pearson(blocks[i][j], within);
                    count++;
                }
            }
        }
        return sum / count;
    }

    static double pearson(double[][] a, double[][] b) {
        int n = 0;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                ma += a[i][j];
                mb += b[i][j];
                n++;
            }
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double x = a[i][j] - ma;
                double y = b[i][j] - mb;
                sab += x * y;
                saa += x * x;
                sbb += y * y;
            }
        }
        return sab / Math.sqrt(Math.max(saa * sbb, 1e-300));
    }
}
