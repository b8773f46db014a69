package io.github.gdln.core.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gates of one batch: a constant gate is a scalar, a per-sample gate a column (b x 1) of the batch's samples.
 * Applies them to activations and gradients with as few ND4J operations as possible (none for an open gate).
 */
final class GateColumns {
    private final GateTable table;
    private final int[] samples;
    private final DataType type;
    private final INDArray[] columns;

    GateColumns(GateTable table, int[] samples, DataType type) {
        this.table = table;
        this.samples = samples;
        this.type = type;
        this.columns = new INDArray[table.size()];
    }

    private boolean constant(int gate) {
        return table.values(gate).length == 1;
    }

    private double scalar(int gate) {
        return table.values(gate)[0];
    }

    private INDArray column(int gate) {
        if (columns[gate] == null) {
            double[] v = table.values(gate);
            double[] c = new double[samples.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = v[samples[i]];
            }
            columns[gate] = Nd4j.create(c, new long[] {c.length, 1}, DataType.DOUBLE).castTo(type);
        }
        return columns[gate];
    }

    /** Multiplies {@code x} by the gate in place and returns it. */
    INDArray applyInPlace(INDArray x, int gate) {
        if (constant(gate)) {
            double s = scalar(gate);
            return s == 1.0 ? x : x.muli(s);
        }
        return x.muliColumnVector(column(gate));
    }

    /** {@code x} times the gate; {@code x} itself when the gate is open. */
    INDArray gated(INDArray x, int gate) {
        if (constant(gate)) {
            double s = scalar(gate);
            return s == 1.0 ? x : x.mul(s);
        }
        return x.mulColumnVector(column(gate));
    }

    /**
     * Returns {@code acc + gate ⊙ op(a) op(b)} (a new array when {@code acc} is null), accumulating in place with a
     * single gemm when the gate is constant.
     */
    INDArray gemmGated(INDArray a, INDArray b, boolean transA, boolean transB, int gate, INDArray acc) {
        if (constant(gate)) {
            if (acc == null) {
                INDArray out = Nd4j.gemm(a, b, transA, transB);
                return applyInPlace(out, gate);
            }
            return Nd4j.gemm(a, b, acc, transA, transB, scalar(gate), 1.0);
        }
        INDArray prod = Nd4j.gemm(a, b, transA, transB).muliColumnVector(column(gate));
        return acc == null ? prod : acc.addi(prod);
    }
}
