package io.github.gdln.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.core.testing.RandomGatedProblem;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's backprop gradient against central finite differences in float64 on random gated graphs with
 * branches, merges, skip edges and random binary node and edge gates (constant and per sample). Central differences
 * with h = 1e-5 have truncation error O(h²) ≈ 1e-10 relative and rounding error ≈ 1e-16/h ≈ 1e-11, so a relative error
 * below 1e-7 is a strict check. The same holds with edge biases.
 */
class GradientCheckTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void squaredErrorGradientMatchesFiniteDifferences(long seed) {
        check(new RandomGatedProblem(seed, new Loss(LossKind.SQUARED_ERROR, 0.5, false), 5));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void crossEntropyGradientMatchesFiniteDifferences(long seed) {
        check(new RandomGatedProblem(seed, new Loss(LossKind.SOFTMAX_CROSS_ENTROPY, 1, true), 5));
    }

    /** Edge biases (g_e g_s b_e): their gradient and the weights' with them, both losses, gates as above. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    void gradientWithEdgeBiasesMatchesFiniteDifferences(long seed) {
        RandomGatedProblem p = new RandomGatedProblem(seed, seed % 2 == 0 ? new Loss(LossKind.SQUARED_ERROR, 0.5,
                false) : new Loss(LossKind.SOFTMAX_CROSS_ENTROPY, 1, true), 5, true);
        assertThat(p.graph.hasBiases()).isTrue();
        assertThat(p.net.parameters().length()).isEqualTo(p.graph.parameterCount());
        check(p);
    }

    private static void check(RandomGatedProblem p) {
        Propagator prop = new Propagator(p.task, DataType.DOUBLE);
        int[] samples = IntStream.range(0, p.task.data().sampleCount()).toArray();
        INDArray grad = p.net.newGradient();
        prop.objective(p.net, samples, grad);
        double[] analytic = grad.toDoubleVector();
        INDArray params = p.net.parameters();
        double h = 1e-5;
        double[] numeric = new double[analytic.length];
        for (int i = 0; i < numeric.length; i++) {
            double w = params.getDouble(0, i);
            params.putScalar(0, i, w + h);
            double up = prop.objective(p.net, samples, null);
            params.putScalar(0, i, w - h);
            double down = prop.objective(p.net, samples, null);
            params.putScalar(0, i, w);
            numeric[i] = (up - down) / (2 * h);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < numeric.length; i++) {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            norm += numeric[i] * numeric[i];
        }
        assertThat(norm).as("the problem must have a non-zero gradient").isGreaterThan(1e-6);
        assertThat(Math.sqrt(diff / norm)).isLessThan(1e-7);
    }
}
