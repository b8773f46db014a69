package io.github.gdln.core.gating;

import io.github.gdln.core.util.Shuffle;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The M x M matrices of trained pathways (input domain i, output domain j) of docs/theory.md §3.2. Every mode but
 * {@code mod} and {@code fully_connected} is a circulant band with K ones in every row and column.
 */
public final class TrainedPairs {
    private TrainedPairs() {
    }

    /** How the trained pathways are chosen. */
    public enum Mode {
        /** Input i trains with outputs (i + k) mod M, k = 0..K−1. */
        K_PLUS_MOD,
        /** Input i trains with outputs (i + k) mod M, k = −⌊(K−1)/2⌋..⌊K/2⌋. */
        PLUS_MINUS_MOD,
        /** Only the diagonal i -> i. */
        MOD,
        /** Every pathway. */
        FULLY_CONNECTED;

        boolean usesK() {
            return this == K_PLUS_MOD || this == PLUS_MINUS_MOD;
        }

        /** Parses {@code K_plus_mod}, {@code plus_minus_mod}, {@code mod} or {@code fully_connected}. */
        public static Mode parse(String s, String owner) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s.replace('-', '_'))) {
                    return m;
                }
            }
            throw new IllegalArgumentException(owner + ": unknown gating mode '" + s
                    + "'; expected K_plus_mod, plus_minus_mod, mod or fully_connected");
        }

        @Override
        public String toString() {
            return this == K_PLUS_MOD ? "K_plus_mod" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** The trained-pathway matrix G (G[i][j]: input i trained with output j). */
    public static boolean[][] matrix(Mode mode, int m, int k) {
        if (m < 1) {
            throw new IllegalArgumentException("number of domains M must be >= 1, was " + m);
        }
        if (mode.usesK() && (k < 1 || k > m)) {
            throw new IllegalArgumentException("K must be in 1.." + m + " (the number of domains), was " + k);
        }
        boolean[][] g = new boolean[m][m];
        for (int i = 0; i < m; i++) {
            switch (mode) {
                case K_PLUS_MOD -> {
                    for (int d = 0; d < k; d++) {
                        g[i][Math.floorMod(i + d, m)] = true;
                    }
                }
                case PLUS_MINUS_MOD -> {
                    for (int d = -((k - 1) / 2); d <= k / 2; d++) {
                        g[i][Math.floorMod(i + d, m)] = true;
                    }
                }
                case MOD -> g[i][i] = true;
                case FULLY_CONNECTED -> java.util.Arrays.fill(g[i], true);
                default -> throw new IllegalStateException(mode.name());
            }
        }
        return g;
    }

    /** G with its columns permuted uniformly at random (Fisher-Yates on {@code rng}). */
    public static boolean[][] permuteColumns(boolean[][] g, SplittableRandom rng) {
        int m = g.length;
        int[] perm = Shuffle.permutation(m, rng);
        boolean[][] out = new boolean[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                out[i][perm[j]] = g[i][j];
            }
        }
        return out;
    }
}
