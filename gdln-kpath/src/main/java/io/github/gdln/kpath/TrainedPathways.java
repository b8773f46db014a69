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
    /**
     * Output domains [outputSplit[p], outputSplit[p+1]) form part p of the decoder-gradient reduction: part 0 about
     * three quarters of them, part 1 the rest, so that the step's two update tasks take about the same time (task 1
     * also accumulates the W momenta and the bias gradients: measured at M = 40 and 100).
     */
    final int[] outputSplit;
    /**
     * Per part p: rows of the gathered decoder gradients for its output domains j, at {@code s*n + (j - j0)} for the
     * s-th input domain trained into j (n output domains in the part), or the zero row as padding.
     */
    final int[][] gatherBack;

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
        outputSplit = new int[] {0, Math.max(1, (3 * m + 3) / 4), m};
        gatherBack = new int[2][];
        for (int p = 0; p < 2; p++) {
            int j0 = outputSplit[p];
            int n = outputSplit[p + 1] - j0;
            gatherBack[p] = new int[kc * n];
            for (int j = j0; j < j0 + n; j++) {
                for (int s = 0; s < kc; s++) {
                    gatherBack[p][s * n + j - j0] = s < fill[j] ? back[j][s] : m * kr; // the zero row of dFg
                }
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
