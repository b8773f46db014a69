package io.github.gdln.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.core.util.LogSumExpReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generic engine's softmax cross-entropy ({@link Propagator}) on logits spanning ±1e4 with one-hot targets
 * anywhere (also 2e4 below the maximum), float64 and float32, against {@link LogSumExpReference} on the same
 * (stored) logits. Loss: the mean over b = 64 rows, each accurate to 8 n ulp of |z_max| + |z_t| (n = 10), so
 * 1e-9 absolute on a mean of order 1e4; the returned gradient weight (softmax − y) / b is stored in the logits'
 * type: 1e-12 absolute in float64, half a float32 ulp of 1/b (4e-9) in float32. Accuracy counts are exact.
 */
class CrossEntropyLossTest {
    private static final int B = 64;
    private static final int N = 10;

    @Test
    void lossGradientAndAccuracyMatchTheReferenceOnHugeLogits() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double[][] rows = LogSumExpReference.wideRows(B, N, 1e4, 7);
            INDArray logits = Nd4j.createFromArray(rows).castTo(type);
            double[][] stored = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
            double[][] y = new double[B][N];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
            double expectedLoss = 0;
            long expectedCorrect = 0;
            int[] targets = new int[B];
            for (int r = 0; r < B; r++) {
                targets[r] = r % 4 == 0 ? argMax(stored[r]) : rnd.nextInt(N);
                y[r][targets[r]] = 1;
                expectedLoss += LogSumExpReference.loss(stored[r], targets[r]) / B;
                expectedCorrect += argMax(stored[r]) == targets[r] ? 1 : 0;
            }
            double[] loss = new double[1];
            long[] correct = new long[1];
            double weight = 0.5;
            INDArray g = Propagator.crossEntropy(logits, Nd4j.createFromArray(y).castTo(type), B, loss, correct, 0,
                    weight);
            assertThat(expectedLoss).as("mean distance of the target below the maximum").isGreaterThan(745);
            assertThat(loss[0]).as("%s loss", type).isFinite().isCloseTo(expectedLoss, within(1e-9));
            assertThat(correct[0]).isEqualTo(expectedCorrect);
            assertThat(g.dataType()).isEqualTo(type);
            double tol = type == DataType.DOUBLE ? 1e-12 : Math.ulp((float) (weight / B));
            for (int r = 0; r < B; r++) {
                double[] ref = LogSumExpReference.gradient(stored[r], targets[r]);
                for (int q = 0; q < N; q++) {
                    assertThat(g.getDouble(r, q)).as("%s gradient (%d, %d)", type, r, q)
                            .isCloseTo(weight * ref[q] / B, within(tol));
                }
            }
        }
    }

    private static int argMax(double[] z) {
        int a = 0;
        for (int q = 1; q < z.length; q++) {
            a = z[q] > z[a] ? q : a;
        }
        return a;
    }
}
