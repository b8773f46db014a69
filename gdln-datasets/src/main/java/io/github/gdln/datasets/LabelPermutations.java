package io.github.gdln.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Permutations of the class labels 0..n-1: the output domains of docs/theory.md §4.1.
 *
 * <p>A permutation is returned as the sequence {@code perm} ({@code perm[k]} is its k-th element, as a tuple of
 * {@code itertools.permutations}). The paper's relabeling gives class {@code c} the new label "index of c in the
 * permutation", i.e. the inverse permutation: {@code relabeling(perm)[c] = k} where {@code perm[k] = c}.
 * {@link #relabelings} returns those relabelings, ready to map targets.
 */
public final class LabelPermutations {

    /** Largest n whose n! fits in a long. */
    private static final int MAX_EXACT_N = 20;

    private LabelPermutations() {
    }

    /**
     * The j-th (0-based) permutation of 0..n-1 in lexicographic order, by unranking in the factorial number system
     * (the n! permutations are never listed). j = 0 is the identity and j = n! - 1 the reversal.
     *
     * @throws IllegalArgumentException if n &lt; 0, j &lt; 0 or j &gt;= n!
     */
    public static int[] lexicographic(long j, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (j < 0 || (n <= MAX_EXACT_N && j >= factorial(n))) {
            throw new IllegalArgumentException("permutation index j=" + j + " out of range: there are " + n + "! = "
                    + (n <= MAX_EXACT_N ? factorial(n) : "more than 2^63") + " permutations of 0.." + (n - 1)
                    + " (valid j: 0.." + (n <= MAX_EXACT_N ? factorial(n) - 1 : Long.MAX_VALUE) + ")");
        }
        List<Integer> remaining = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            remaining.add(i);
        }
        int[] perm = new int[n];
        long rest = j;
        for (int k = 0; k < n; k++) {
            int positions = n - 1 - k;
            // (n-1-k)! exceeds any long index when positions > 20: the digit is then 0.
            int digit = positions > MAX_EXACT_N ? 0 : (int) (rest / factorial(positions));
            if (positions <= MAX_EXACT_N) {
                rest %= factorial(positions);
            }
            perm[k] = remaining.remove(digit);
        }
        return perm;
    }

    /** A uniformly random permutation of 0..n-1 drawn from {@code random} (Fisher-Yates). */
    public static int[] uniform(SplittableRandom random, int n) {
        return PixelPermutation.random(n, Objects.requireNonNull(random, "random")).indices();
    }

    /** The inverse permutation: {@code inverse(perm)[perm[k]] = k}. */
    public static int[] inverse(int[] perm) {
        int[] inv = PixelPermutation.of(perm).inverse().indices();
        return inv;
    }

    /** The paper's relabeling for a permutation: class c gets the index of c in {@code perm} (the inverse). */
    public static int[] relabeling(int[] perm) {
        return inverse(perm);
    }

    /**
     * The relabelings of {@code domains} output domains of {@code n} classes: element {@code [j][c]} is the new label
     * of class c in domain j. Domain 0 is the identity in both orders.
     *
     * @param random the stream {@link LabelPermutationOrder#UNIFORM} draws from (unused for LEXICOGRAPHIC)
     * @throws IllegalArgumentException if there are fewer than {@code domains} distinct permutations of n classes
     */
    public static int[][] relabelings(LabelPermutationOrder order, int domains, int n, SplittableRandom random) {
        Objects.requireNonNull(order, "order");
        if (domains < 0) {
            throw new IllegalArgumentException("domains must be >= 0, got " + domains);
        }
        if (n <= MAX_EXACT_N && domains > factorial(n)) {
            throw new IllegalArgumentException(domains + " output domains need distinct permutations, but " + n
                    + " classes have only " + n + "! = " + factorial(n));
        }
        int[][] out = new int[domains][];
        Set<List<Integer>> seen = new HashSet<>();
        for (int j = 0; j < domains; j++) {
            int[] perm = order == LabelPermutationOrder.LEXICOGRAPHIC || j == 0
                    ? lexicographic(j, n) : distinctUniform(Objects.requireNonNull(random, "random"), n, seen);
            seen.add(asList(perm));
            out[j] = relabeling(perm);
        }
        return out;
    }

    /** n! for 0 &lt;= n &lt;= 20. */
    public static long factorial(int n) {
        if (n < 0 || n > MAX_EXACT_N) {
            throw new IllegalArgumentException("n! fits in a long only for 0 <= n <= 20, got n=" + n);
        }
        long f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }

    private static int[] distinctUniform(SplittableRandom random, int n, Set<List<Integer>> seen) {
        while (true) {
            int[] perm = uniform(random, n);
            if (!seen.contains(asList(perm))) {
                return perm;
            }
        }
    }

    private static List<Integer> asList(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
