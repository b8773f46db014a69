package io.github.gdln.core.util;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finiteness checks over whole arrays in one Java pass over the native buffer (no per-element ND4J call), for the
 * divergence checks of training: a parameter, gradient or state is diverged when it is NaN or infinite.
 */
public final class Finite {
    private Finite() {
    }

    /**
     * The index of the first non-finite element of {@code a} (a contiguous 'c'-order FLOAT or DOUBLE array, such as
     * a flat parameter or gradient vector), or -1 when every element is finite.
     */
    public static long firstNonFinite(INDArray a) {
        DirectElements elements = DirectElements.of(a);
        int n = Math.toIntExact(a.length());
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(elements.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first non-finite element of {@code a}, or -1 when every element is finite. */
    public static int firstNonFinite(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }
}
