package io.github.gdln.core.kpath;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Sizes and hyper-parameters of a {@link KPathModel} (docs/theory.md §4.1).
 *
 * @param domains     M, the number of input domains and of output domains
 * @param inputDim    D, the input width (784 for MNIST)
 * @param hidden      H, the width of the encoder outputs and of the shared hidden layer
 * @param classes     C, the number of classes
 * @param batchSize   b, base images per training step (the paper's "batch size per task", 8)
 * @param dataType    FLOAT (default for experiments) or DOUBLE (theory and tests)
 * @param gain        gain of the Xavier-uniform initialisation of every weight matrix; biases start at zero
 * @param learningRate SGD learning rate
 * @param momentum    momentum coefficient, PyTorch semantics: {@code v = mu v + g; p -= lr v}
 * @param seed        seed of the initialisation stream
 */
public record KPathConfig(int domains, int inputDim, int hidden, int classes, int batchSize, DataType dataType,
                          double gain, double learningRate, double momentum, long seed) {

    /** Validates every field; the message names the parameter and its value. */
    public KPathConfig {
        positive("domains", domains);
        positive("inputDim", inputDim);
        positive("hidden", hidden);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        positive("batchSize", batchSize);
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException("gain must be finite and > 0, got " + gain);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and >= 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        long encoder = (long) domains * hidden * inputDim;
        if (encoder > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("domains * hidden * inputDim too large: " + encoder);
        }
    }

    /** The paper's MNIST setting (docs/theory.md §4.1): D = 784, C = 10, batch 8, lr 1e-4, momentum 0.9, float32. */
    public static KPathConfig mnist(int domains, int hidden, double gain, long seed) {
        return new KPathConfig(domains, 784, hidden, 10, 8, DataType.FLOAT, gain, 1e-4, 0.9, seed);
    }

    /** A copy with another data type. */
    public KPathConfig withDataType(DataType type) {
        return new KPathConfig(domains, inputDim, hidden, classes, batchSize, type, gain, learningRate, momentum, seed);
    }

    /** A copy with another learning rate and momentum. */
    public KPathConfig withOptimizer(double lr, double mu) {
        return new KPathConfig(domains, inputDim, hidden, classes, batchSize, dataType, gain, lr, mu, seed);
    }

    /** Number of trainable parameters: encoders, hidden layer and decoders with their biases. */
    public long parameterCount() {
        long m = domains;
        return m * hidden * inputDim + m * hidden + (long) hidden * hidden + hidden + m * classes * hidden + m * classes;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
