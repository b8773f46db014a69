package io.github.gdln.core.theory;

/**
 * One scalar mode network of the reduced system (docs/theory.md §2.2): path p carrying input mode α to output mode β
 * through the scalar edges {@code chain}; u_π = Π_{k∈chain} b_k.
 *
 * @param path       path index
 * @param inputMode  α
 * @param outputMode β
 * @param chain      indices of the {@link ScalarEdge}s, input first
 */
public record ScalarPath(int path, int inputMode, int outputMode, int[] chain) {
    public ScalarPath {
        chain = chain.clone();
    }
}
