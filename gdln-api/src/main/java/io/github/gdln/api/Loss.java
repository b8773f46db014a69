package io.github.gdln.api;

import java.util.Objects;

/**
 * How a task's loss is normalised. Per context, the loss is the mean over base samples of the per-sample loss,
 * summed over the output nodes whose gate is open; squared error is multiplied by {@code scale}
 * (½ for the ½||y − h||² of docs/theory.md §1.2, 1/n_out for a mean over entries). The training objective then sums
 * ({@code meanOverContexts == false}) or averages ({@code true}) the per-context losses over the trained contexts.
 *
 * @param kind             squared error or softmax cross-entropy
 * @param scale            factor on the squared error (ignored for cross-entropy), &gt; 0
 * @param meanOverContexts average instead of sum over trained contexts
 */
public record Loss(LossKind kind, double scale, boolean meanOverContexts) {
    public Loss {
        Objects.requireNonNull(kind, "loss kind");
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("loss scale must be a positive finite number, was " + scale);
        }
    }

    /** docs/theory.md §1.2: ½ Σ_out ||y − h||², summed over contexts. */
    public static Loss halfSquaredError() {
        return new Loss(LossKind.SQUARED_ERROR, 0.5, false);
    }

    /** Whether the task classifies (and accuracy is therefore reported). */
    public boolean classifies() {
        return kind == LossKind.SOFTMAX_CROSS_ENTROPY;
    }
}
