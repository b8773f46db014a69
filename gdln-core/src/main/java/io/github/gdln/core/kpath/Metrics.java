package io.github.gdln.core.kpath;

import java.util.OptionalDouble;

/**
 * Accuracy and mean loss on trained and on untrained pathways (docs/theory.md §4.1 metrics
 * {@code average_accuracy_for_selected_paths} / {@code ..._unselected_paths}). A group with no pathway (for example the
 * untrained group when K = M) is empty, never NaN.
 */
public record Metrics(OptionalDouble trainedAccuracy, OptionalDouble trainedLoss,
                      OptionalDouble untrainedAccuracy, OptionalDouble untrainedLoss) {

    /** Checks that no field is null. */
    public Metrics {
        if (trainedAccuracy == null || trainedLoss == null || untrainedAccuracy == null || untrainedLoss == null) {
            throw new IllegalArgumentException("Metrics fields must not be null (use OptionalDouble.empty())");
        }
    }
}
