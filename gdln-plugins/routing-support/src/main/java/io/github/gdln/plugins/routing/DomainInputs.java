package io.github.gdln.plugins.routing;

import java.util.Optional;

/**
 * The inputs of the M input domains of a routing task over N base samples: what node {@code in<i>} sees for a
 * sample. Implementations derive them on the fly from shared base data (a pixel permutation or rotation per domain)
 * or read them from precomputed per-domain features; nothing is copied per domain and sample up front.
 */
public interface DomainInputs {

    /** Number of base samples N. */
    int count();

    /** Number of input domains M. */
    int domains();

    /** Width D of one input row. */
    int width();

    /** Fills {@code out} (row-major, samples.length x width) with the inputs of input domain {@code domain}. */
    void fill(int domain, int[] samples, float[] out);

    /** The pixel permutation of input domain {@code domain} when every domain is one (see {@link #base}). */
    default Optional<int[]> permutation(int domain) {
        return Optional.empty();
    }

    /**
     * The untransformed base rows; only for permutation domains ({@code fill(i)[k] == base[permutation(i)[k]]}).
     *
     * @throws UnsupportedOperationException when the domains are not pixel permutations
     */
    default void base(int[] samples, float[] out) {
        throw new UnsupportedOperationException("input domains are not pixel permutations");
    }
}
