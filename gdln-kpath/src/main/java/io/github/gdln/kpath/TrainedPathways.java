package io.github.gdln.kpath;

/**
 * The index tables of the trained pathways of a k-path model: which output domains each input domain trains, and the
 * row gathers that bring the trained decoders into one block per input domain (padded with the zero block after the
 * decoders, so every block has {@link #kRow} rows) and their gradients back per output domain.
 */
final class TrainedPathways {
    /** Σ G: the number of trained pathways. */
    final int count;
    /** The most trained output domains of one input domain (the block height of the decoder gather). */
    final int kRow;
    /** The most trained input domains of one output domain. */
    final int kCol;
    /** trainedOut[i][k]: k-th trained output domain of input i, -1 for padding. */
    final int[][] trainedOut;
    /** Decoder rows gathered per input domain: output domain j, or M (the zero block) as padding. */
    final int[] gatherDecoders;
    /** Rows of the gathered decoder gradients per output domain (column-major in k), or the zero row as padding. */
    final int[] gatherBack;

    /** The tables of {@code gate} (M x M, at least one trained pathway). */
    TrainedPathways(boolean[][] gate) {
        int m = gate.length;
        int pairs = 0;
        int kr = 0;
        int[] colCount = new int[m];
        for (int i = 0; i < m; i++) {
            int row = 0;
            for (int j = 0; j < m; j++) {
                if (gate[i][j]) {
                    row++;
                    colCount[j]++;
                }
            }
            pairs += row;
            kr = Math.max(kr, row);
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("gate has no trained pathway");
        }
        int kc = 0;
        for (int j = 0; j < m; j++) {
            kc = Math.max(kc, colCount[j]);
        }
        count = pairs;
        kRow = kr;
        kCol = kc;
        trainedOut = new int[m][kr];
        gatherDecoders = new int[m * kr];
        int[][] back = new int[m][kc];
        int[] fill = new int[m];
        for (int i = 0; i < m; i++) {
            int k = 0;
            for (int j = 0; j < m; j++) {
                if (gate[i][j]) {
                    trainedOut[i][k] = j;
                    gatherDecoders[i * kr + k] = j;
                    back[j][fill[j]++] = i * kr + k;
                    k++;
                }
            }
            for (; k < kr; k++) {
                trainedOut[i][k] = -1;
                gatherDecoders[i * kr + k] = m; // the zero block after the decoders
            }
        }
        gatherBack = new int[kc * m];
        for (int j = 0; j < m; j++) {
            for (int s = 0; s < kc; s++) {
                gatherBack[s * m + j] = s < fill[j] ? back[j][s] : m * kr; // the zero row of dFg
            }
        }
    }

    /** A checked copy of an M x M gate matrix. */
    static boolean[][] checkGate(boolean[][] gate, int m) {
        if (gate == null || gate.length != m) {
            throw new IllegalArgumentException("gate must be " + m + " x " + m + ", got "
                    + (gate == null ? "null" : gate.length + " rows"));
        }
        boolean[][] copy = new boolean[m][];
        for (int i = 0; i < m; i++) {
            if (gate[i] == null || gate[i].length != m) {
                throw new IllegalArgumentException("gate row " + i + " must have " + m + " entries, got "
                        + (gate[i] == null ? "null" : gate[i].length));
            }
            copy[i] = gate[i].clone();
        }
        return copy;
    }

}
