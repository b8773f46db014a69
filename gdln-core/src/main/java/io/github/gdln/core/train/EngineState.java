package io.github.gdln.core.train;

/**
 * An engine's state at an epoch boundary, for checkpoints: with the epoch-determined batch order, restoring it
 * continues exactly as the uninterrupted run. The layout of the arrays is the engine's own.
 *
 * @param epoch      epochs trained
 * @param parameters the flat parameters
 * @param momentum   the flat momentum buffer (same length)
 */
public record EngineState(int epoch, double[] parameters, double[] momentum) {
    public EngineState {
        if (parameters.length != momentum.length) {
            throw new IllegalArgumentException("an engine state needs as many momenta as parameters, got "
                    + parameters.length + " and " + momentum.length);
        }
        parameters = parameters.clone();
        momentum = momentum.clone();
    }
}
