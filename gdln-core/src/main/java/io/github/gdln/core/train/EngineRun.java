package io.github.gdln.core.train;

import java.util.List;

/**
 * One training in progress, driven epoch by epoch by the caller (the run loop decides when to measure, checkpoint
 * and stop). Not thread-safe.
 */
public interface EngineRun {
    /** One line describing what runs (sizes, precision, any layout choice), for the run log. */
    String summary();

    /** Epochs trained so far. */
    int epoch();

    /**
     * Trains one more epoch.
     *
     * @throws DivergenceException when a step's loss or gradient, or a parameter after the epoch, is not finite
     *                             (the rule of {@link Trainer})
     */
    void trainEpoch();

    /**
     * Measures the current parameters into the one metrics stream: a point at {@link #epoch()}, with the
     * {@link #extraMeasures()} in {@link Trajectory.Point#extras()}.
     *
     * @throws DivergenceException when the loss is not finite
     */
    Trajectory.Point measure();

    /** Facts about this run for {@code summary.json} (e.g. a layout choice), by key; none by default. */
    default java.util.Map<String, Object> facts() {
        return java.util.Map.of();
    }

    /** Names of the measurements this engine adds to every point (in column order), possibly none. */
    List<String> extraMeasures();

    /** The state at the current epoch boundary, for a checkpoint. */
    EngineState state();

    /**
     * Writes the current weights into the setup's network (for what reads the trained network, e.g. plots); the
     * generic engine trains that network itself.
     */
    void copyToNetwork();

    /** Puts the run back at {@code state} (from {@link #state()} of the same engine on the same setup). */
    void restore(EngineState state);
}
