package io.github.gdln.datasets;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A fixed permutation of the features of an input row: {@code out[k] = in[source(k)]}. It is the input domain
 * {@code permute_input} of docs/theory.md §4.1 (one permutation per input domain).
 *
 * <p>Written as a matrix, {@code x' = P x} with {@code P[k][source(k)] = 1}. A permutation matrix is orthogonal
 * ({@code P^T P = I}), so an encoder {@code W} (hidden x features) trained on permuted inputs computes
 * {@code W x' = (W P) x}: training {@code W} on permuted inputs is the same as training {@code W P} on raw inputs
 * (in the row convention {@code x W} with {@code W} features x hidden this reads {@code P^T W}). Gradient descent
 * commutes with that change of variables and an isotropic initialisation has the same law, so an engine may fold
 * the permutation into the encoder weights instead of permuting every row: column {@code source(k)} of {@code W P}
 * is column {@code k} of {@code W}. {@link #indices()} exposes the permutation for that.
 *
 * <p>The permutations are drawn with {@link SplittableRandom} (Fisher-Yates); they are not the numbers of the
 * reference's {@code numpy.random.default_rng(seed=i).permutation}, which the theory does not depend on.
 */
public final class PixelPermutation {

    private final int[] source;

    private PixelPermutation(int[] source) {
        this.source = source;
    }

    /**
     * The permutation {@code out[k] = in[source[k]]}.
     *
     * @throws IllegalArgumentException if {@code source} is not a permutation of 0..n-1 (naming the bad entry)
     */
    public static PixelPermutation of(int[] source) {
        int[] copy = source.clone();
        boolean[] seen = new boolean[copy.length];
        for (int k = 0; k < copy.length; k++) {
            int s = copy[k];
            if (s < 0 || s >= copy.length || seen[s]) {
                throw new IllegalArgumentException("not a permutation of 0.." + (copy.length - 1) + ": entry " + k
                        + " is " + s + (s >= 0 && s < copy.length ? " (repeated)" : " (out of range)"));
            }
            seen[s] = true;
        }
        return new PixelPermutation(copy);
    }

    /** The identity on {@code n} features. */
    public static PixelPermutation identity(int n) {
        int[] s = new int[checkSize(n)];
        Arrays.setAll(s, k -> k);
        return new PixelPermutation(s);
    }

    /** A uniformly random permutation of {@code n} features drawn from {@code random}. */
    public static PixelPermutation random(int n, SplittableRandom random) {
        Objects.requireNonNull(random, "random");
        int[] s = identity(n).source;
        for (int k = n - 1; k > 0; k--) {
            int j = random.nextInt(k + 1);
            int t = s[k];
            s[k] = s[j];
            s[j] = t;
        }
        return new PixelPermutation(s);
    }

    /** A uniformly random permutation of {@code n} features drawn from {@code new SplittableRandom(seed)}. */
    public static PixelPermutation seeded(int n, long seed) {
        return random(n, new SplittableRandom(seed));
    }

    /** Number of features permuted. */
    public int size() {
        return source.length;
    }

    /** A copy of the permutation: output feature {@code k} is input feature {@code indices()[k]}. */
    public int[] indices() {
        return source.clone();
    }

    /** Input feature that output feature {@code k} takes its value from. */
    public int source(int k) {
        return source[k];
    }

    /** The inverse permutation (undoes this one). */
    public PixelPermutation inverse() {
        int[] inv = new int[source.length];
        for (int k = 0; k < source.length; k++) {
            inv[source[k]] = k;
        }
        return new PixelPermutation(inv);
    }

    /** Permutes one row: {@code out[outOff + k] = in[inOff + source(k)]}. {@code in} and {@code out} must differ. */
    public void apply(float[] in, int inOff, float[] out, int outOff) {
        Objects.checkFromIndexSize(inOff, source.length, in.length);
        Objects.checkFromIndexSize(outOff, source.length, out.length);
        for (int k = 0; k < source.length; k++) {
            out[outOff + k] = in[inOff + source[k]];
        }
    }

    /** Permutes one row of doubles: {@code out[outOff + k] = in[inOff + source(k)]}. */
    public void apply(double[] in, int inOff, double[] out, int outOff) {
        Objects.checkFromIndexSize(inOff, source.length, in.length);
        Objects.checkFromIndexSize(outOff, source.length, out.length);
        for (int k = 0; k < source.length; k++) {
            out[outOff + k] = in[inOff + source[k]];
        }
    }

    /** Permutes a whole row and returns the result. */
    public float[] apply(float[] in) {
        if (in.length != source.length) {
            throw new IllegalArgumentException("row has " + in.length + " features, permutation expects "
                    + source.length);
        }
        float[] out = new float[source.length];
        apply(in, 0, out, 0);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelPermutation p && Arrays.equals(source, p.source);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(source);
    }

    @Override
    public String toString() {
        return "PixelPermutation[size=" + source.length + "]";
    }

    private static int checkSize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be >= 0, got " + n);
        }
        return n;
    }
}
