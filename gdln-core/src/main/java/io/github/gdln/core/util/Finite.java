package io.github.gdln.core.util;

import org.nd4j.linalg.api.buffer.DataType;
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
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("array must be contiguous 'c' order, got " + a.shapeInfoToString());
        }
        int base = Math.toIntExact(a.offset());
        int n = Math.toIntExact(a.length());
        if (a.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer b = a.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(b.get(base + i))) {
                    return i;
                }
            }
            return -1;
        }
        if (a.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer b = a.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(b.get(base + i))) {
                    return i;
                }
            }
            return -1;
        }
        throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + a.dataType());
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
