package io.github.gdln.api;

import java.util.Optional;

/**
 * Optional view of a {@link TaskData} whose contexts are the pathways (input domain i, output domain j) of a k-path
 * classification task (docs/theory.md §4.1): every base sample is seen through M input transforms and its class
 * relabeled by M output relabelings. A trainer that recognises this view ({@code data instanceof RoutingData}) can run
 * a fused k-path step on float batches instead of the generic engine; the generic {@link TaskData} methods of the same
 * object describe exactly the same data (node {@code in<i>} is input domain i, node {@code out<j>} output domain j).
 *
 * <p>Sample indices are the base sample indices of the {@link TaskData}. Buffers are row-major,
 * {@code samples.length x inputWidth()}.
 */
public interface RoutingData {

    /** M, the number of input domains and of output domains. */
    int domains();

    /** C, the number of classes (the width of every output node). */
    int classes();

    /** D, the width of every input node. */
    int inputWidth();

    /**
     * Fills {@code out} with the inputs of input domain {@code domain} (the base samples after that domain's
     * transform, as node {@code in<domain>} sees them). Trainers may call it from several threads at once for
     * different domains (the k-path engine fills the two halves of the domains in parallel), so it must only read
     * shared state.
     */
    void domainInputs(int domain, int[] samples, float[] out);

    /** The class labels (before any relabeling) of the given base samples. */
    int[] labels(int[] samples);

    /** The relabeling of output domain {@code domain}: class c becomes {@code relabeling(domain)[c]}. */
    int[] relabeling(int domain);

    /**
     * When every input domain is a fixed pixel permutation of one base input, the permutation of input domain
     * {@code domain}: {@code domainInputs(domain)[k] == baseInputs[permutation[k]]}. Empty for general transforms
     * (rotations, features). A trainer may then fold the permutations into the encoders (a permutation is orthogonal)
     * and feed {@link #baseInputs} once instead of M transformed copies.
     */
    default Optional<int[]> permutation(int domain) {
        return Optional.empty();
    }

    /**
     * Fills {@code out} with the untransformed base inputs; supported when {@link #permutation} is present.
     *
     * @throws UnsupportedOperationException when the input domains are not permutations of a base input
     */
    default void baseInputs(int[] samples, float[] out) {
        throw new UnsupportedOperationException("the input domains of this task are not pixel permutations");
    }
}
