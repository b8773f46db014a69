package io.github.gdln.datasets;

/**
 * How the M output domains (relabelings of the classes) are chosen; see {@link LabelPermutations#relabelings}.
 */
public enum LabelPermutationOrder {

    /**
     * Domain j uses the j-th permutation of 0..n-1 in lexicographic order (as Python's
     * {@code itertools.permutations}); domain 0 is the identity. This is the reference behaviour and what the shipped
     * paper experiments use. Note (docs/theory.md §4.1): for n = 10 and M &lt;= 120 = 5! every one of these
     * permutations fixes positions 0..4, so classes 0..4 keep their labels in every output domain and only classes 5..9
     * move.
     */
    LEXICOGRAPHIC,

    /**
     * Domain 0 is the identity; the other domains are distinct uniformly random permutations drawn from the run's
     * random stream, so every class is relabeled. Not the paper's setup.
     */
    UNIFORM
}
