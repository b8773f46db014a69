package io.github.gdln.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a loaded task: N base samples with an input per input node and a target per output node, the
 * contexts under which every sample is evaluated, and the loss. Inputs and targets are filled on demand for a set
 * of sample indices, so a task can derive node inputs from shared base data (e.g. a pixel permutation per input
 * domain) instead of storing one copy per node.
 */
public interface TaskData {

    /** Number of base samples N. */
    int sampleCount();

    /** Widths of the input nodes this task feeds, by node name. */
    Map<String, Integer> inputWidths();

    /** Widths of the output nodes this task has targets for, by node name. */
    Map<String, Integer> outputWidths();

    /** The contexts; context indices used elsewhere are positions in this list. */
    List<Context> contexts();

    /**
     * Fills {@code out} (row-major, samples.length x width) with the inputs of {@code node} for the given samples.
     */
    void input(String node, int[] samples, double[] out);

    /**
     * Fills {@code out} (row-major, samples.length x width) with the targets of {@code node} for the given samples
     * (one-hot rows for classification).
     */
    void target(String node, int[] samples, double[] out);

    /**
     * Widths of the named per-sample arrays the task carries beside its inputs and targets (e.g. a frozen ReLU
     * pattern or an expert assignment that a gating scheme reads as per-sample gates), by name; none by default.
     */
    default Map<String, Integer> annotationWidths() {
        return Map.of();
    }

    /**
     * Fills {@code out} (row-major, samples.length x width) with the rows of annotation {@code name} for the given
     * samples.
     */
    default void annotation(String name, int[] samples, double[] out) {
        throw new IllegalArgumentException("the task has no annotation '" + name + "'; it has "
                + annotationWidths().keySet());
    }

    /** The loss and its normalisation. */
    Loss loss();

    /** Held-out data evaluated under the same contexts, when the task has a test split. */
    default Optional<TaskData> test() {
        return Optional.empty();
    }
}
