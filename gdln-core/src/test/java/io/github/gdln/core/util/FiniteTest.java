package io.github.gdln.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FiniteTest {

    @Test
    void findsTheFirstNonFiniteElementInFloatAndDoubleArrays() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.zeros(type, 1, 6).addi(1e30);
            assertThat(Finite.firstNonFinite(a)).isEqualTo(-1);
            a.putScalar(4, Double.NaN);
            assertThat(Finite.firstNonFinite(a)).isEqualTo(4);
            a.putScalar(2, Double.NEGATIVE_INFINITY);
            assertThat(Finite.firstNonFinite(a)).isEqualTo(2);
        }
        assertThat(Finite.firstNonFinite(new double[] {0, Double.MAX_VALUE, Double.POSITIVE_INFINITY})).isEqualTo(2);
        assertThat(Finite.firstNonFinite(new double[] {0, -Double.MAX_VALUE})).isEqualTo(-1);
    }

    @Test
    void aViewIsCheckedFromItsOwnOffset() {
        INDArray whole = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        whole.putScalar(0, 1, Double.NaN);
        INDArray secondRow = whole.getRow(1);
        assertThat(Finite.firstNonFinite(secondRow)).isEqualTo(-1);
        whole.putScalar(1, 2, Double.POSITIVE_INFINITY);
        assertThat(Finite.firstNonFinite(secondRow)).isEqualTo(2);
    }
}
