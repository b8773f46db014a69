package io.github.gdln.core.train;

import java.util.List;

/**
 * How to train.
 *
 * @param method        minibatch SGD with momentum, full-batch gradient descent, or continuous gradient flow
 * @param epochs        number of epochs (for gradient flow: the end time in units of 1/learningRate)
 * @param learningRate  step size η &gt; 0; gradient flow integrates dW/dt = −η ∂L/∂W so that t counts epochs
 * @param momentum      momentum μ in [0, 1) (PyTorch convention: v = μ v + g, W −= η v); SGD only
 * @param batchSize     samples per step for SGD (the last batch of an epoch may be smaller); ignored otherwise
 * @param measureEvery  epochs between measurements (the first is at epoch 0, the last at the end)
 * @param flowTolerance relative and absolute tolerance of the gradient-flow ODE integrator
 * @param trackedEdges  edges whose singular values are recorded (empty: none)
 * @param singularValues how many leading singular values to record per tracked edge
 * @param gradient      where full-batch gradients and measurements come from: the samples (backprop) or the path
 *                      statistics (docs/theory.md §1.4; squared error, FULL_BATCH and GRADIENT_FLOW only, cost
 * independent                      of the number of samples)
 */
public record TrainerSettings(Method method, int epochs, double learningRate, double momentum, int batchSize,
                              int measureEvery, double flowTolerance, List<String> trackedEdges,
                              int singularValues, Gradient gradient) {

    /** Source of the full-batch gradient. */
    public enum Gradient {
        /** Backpropagation over the samples. */
        SAMPLES,
        /** The path-form gradient from the path statistics ({@code io.github.gdln.core.theory.StatisticsObjective}). */
        STATISTICS
    }

    /** Settings with gradients from the samples. */
    public TrainerSettings(Method method, int epochs, double learningRate, double momentum, int batchSize,
                           int measureEvery, double flowTolerance, List<String> trackedEdges, int singularValues) {
        this(method, epochs, learningRate, momentum, batchSize, measureEvery, flowTolerance, trackedEdges,
                singularValues, Gradient.SAMPLES);
    }

    /** Training methods. */
    public enum Method {
        /** Minibatch stochastic gradient descent with momentum; one pass over shuffled samples per epoch. */
        SGD,
        /** One gradient step on all samples per epoch. */
        FULL_BATCH,
        /** The continuous limit, integrated by an adaptive Dormand-Prince 8(5,3) ODE solver. */
        GRADIENT_FLOW
    }

    public TrainerSettings {
        if (method == null) {
            throw new IllegalArgumentException("trainer method must be set (sgd, full-batch or gradient-flow)");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("trainer epochs must be >= 0, was " + epochs);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("trainer learning rate must be a positive number, was " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("trainer momentum must be in [0, 1), was " + momentum);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("trainer batch size must be >= 1, was " + batchSize);
        }
        if (measureEvery < 1) {
            throw new IllegalArgumentException("trainer measure-every must be >= 1, was " + measureEvery);
        }
        if (!(flowTolerance > 0 && flowTolerance < 1)) {
            throw new IllegalArgumentException("trainer flow tolerance must be in (0, 1), was " + flowTolerance);
        }
        if (singularValues < 0) {
            throw new IllegalArgumentException("trainer singular-values must be >= 0, was " + singularValues);
        }
        trackedEdges = List.copyOf(trackedEdges);
        if (gradient == null) {
            gradient = Gradient.SAMPLES;
        }
        if (gradient == Gradient.STATISTICS && method == Method.SGD) {
            throw new IllegalArgumentException("trainer gradient 'statistics' needs method full-batch or "
                    + "gradient-flow, was sgd (minibatches are sample-based)");
        }
    }

    /** Full-batch gradient descent, measured every epoch, no tracked edges. */
    public static TrainerSettings fullBatch(int epochs, double learningRate) {
        return new TrainerSettings(Method.FULL_BATCH, epochs, learningRate, 0, 1, 1, 1e-8, List.of(), 0);
    }

    /** A copy with other tracked edges. */
    public TrainerSettings tracking(List<String> edges, int count) {
        return new TrainerSettings(method, epochs, learningRate, momentum, batchSize, measureEvery, flowTolerance,
                edges, count, gradient);
    }

    /** A copy with another gradient source. */
    public TrainerSettings withGradient(Gradient source) {
        return new TrainerSettings(method, epochs, learningRate, momentum, batchSize, measureEvery, flowTolerance,
                trackedEdges, singularValues, source);
    }
}
