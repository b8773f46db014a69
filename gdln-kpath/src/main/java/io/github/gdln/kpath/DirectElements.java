package io.github.gdln.kpath;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct element access to the native memory of a contiguous ND4J array, used by the fused Java loops of the step
 * (bias adds, softmax cross-entropy, layout changes) so that each of them is one pass and no ND4J op.
 */
abstract sealed class DirectElements permits DirectElements.Floats, DirectElements.Doubles {
    final int base;

    private DirectElements(int base) {
        this.base = base;
    }

    /** A view of {@code a}'s elements; {@code a} must be contiguous in 'c' order. */
    static DirectElements of(INDArray a) {
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

    abstract double get(int i);

    abstract void set(int i, double v);

    static final class Floats extends DirectElements {
        private final FloatBuffer b;

        Floats(FloatBuffer b, int base) {
            super(base);
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(base + i);
        }

        @Override
        void set(int i, double v) {
            b.put(base + i, (float) v);
        }
    }

    static final class Doubles extends DirectElements {
        private final DoubleBuffer b;

        Doubles(DoubleBuffer b, int base) {
            super(base);
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(base + i);
        }

        @Override
        void set(int i, double v) {
            b.put(base + i, v);
        }
    }
}
