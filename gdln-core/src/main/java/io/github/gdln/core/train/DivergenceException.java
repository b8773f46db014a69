package io.github.gdln.core.train;

/** Training produced a non-finite loss; the message says at which epoch and what the loss was. */
public class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }
}
