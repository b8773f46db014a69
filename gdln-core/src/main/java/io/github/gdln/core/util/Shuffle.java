package io.github.gdln.core.util;

import java.util.SplittableRandom;

/**
 * The one shuffle of gdln (Fisher-Yates) and the one rule for the order of samples in an epoch, used by every engine:
 * the order of epoch e is a uniform permutation drawn from the {@code batching} stream of the root seed mixed with e
 * ({@link #epochOrder}). It depends on nothing else, so a run restored at an epoch boundary sees exactly the batches
 * an uninterrupted run would, whichever engine trains it.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** Shuffles {@code a} in place, uniformly (Fisher-Yates, from the last position down). */
    public static void inPlace(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A uniform permutation of 0..n-1. */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = identity(n);
        inPlace(p, rng);
        return p;
    }

    /**
     * The order of the {@code n} samples in epoch {@code epoch} (1-based) of a run with root seed {@code rootSeed}.
     */
    public static int[] epochOrder(long rootSeed, int epoch, int n) {
        return permutation(n, new SplittableRandom(Seeds.derive(rootSeed, Seeds.BATCHING) + epoch));
    }

    /** 0, 1, ..., n-1. */
    public static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
