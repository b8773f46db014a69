package io.github.gdln.core.train;

/**
 * Training really diverged: a loss, gradient or parameter is not finite (the rule is documented on {@link Trainer}).
 * The message names the epoch, the step, what was not finite and the learning rate.
 */
public class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }
}
