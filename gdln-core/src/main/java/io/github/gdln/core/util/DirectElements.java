package io.github.gdln.core.util;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct element access to the native memory of a contiguous ND4J array, for Java loops that must be one pass and
 * no ND4J op per element (the k-path step's fused loops, the finiteness checks of {@link Finite}).
 */
public abstract sealed class DirectElements permits DirectElements.Floats, DirectElements.Doubles {
    /** Index of element 0 of the array in its buffer. */
    final int base;

    private DirectElements(int base) {
        this.base = base;
    }

    /** A view of {@code a}'s elements; {@code a} must be contiguous in 'c' order. */
    public static DirectElements of(INDArray a) {
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("array must be contiguous 'c' order, got " + a.shapeInfoToString());
        }
        int off = Math.toIntExact(a.offset());
        if (a.dataType() == DataType.FLOAT) {
            return new Floats(a.data().asNioFloat(), off);
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new Doubles(a.data().asNioDouble(), off);
        }
        throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + a.dataType());
    }

    /** Element {@code i} of the array (widened to double). */
    public abstract double get(int i);

    /** Sets element {@code i} of the array (rounded to the array's type). */
    public abstract void set(int i, double v);

    /** FLOAT arrays. */
    public static final class Floats extends DirectElements {
        private final FloatBuffer b;

        Floats(FloatBuffer b, int base) {
            super(base);
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(base + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(base + i, (float) v);
        }
    }

    /** DOUBLE arrays. */
    public static final class Doubles extends DirectElements {
        private final DoubleBuffer b;

        Doubles(DoubleBuffer b, int base) {
            super(base);
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(base + i);
        }

        @Override
        public void set(int i, double v) {
            b.put(base + i, v);
        }
    }
}
