package io.github.gdln.api;

/**
 * SPI: a learning task, found by {@link java.util.ServiceLoader} or as a PF4J extension and selected by
 * {@link #name()}. Implementations are stateless factories; {@link #load} does the work.
 */
public interface Task {

    /** The unique name used in configurations, e.g. {@code routing-toy}. */
    String name();

    /** One line for listings. */
    String description();

    /**
     * Loads the task's data.
     *
     * @param params the task's resolved parameters
     * @param seed   the random stream reserved for the task (e.g. for permutations), derived from the run's root seed
     */
    TaskData load(Params params, long seed);

    /**
     * The data {@link #load} would give, or at least its structure, when the task can tell at next to no cost, so
     * that a configuration is checked whole (parameters, and how they fit the architecture, the gating and the
     * engine) before anything is written or trained. A small task returns its data itself; a task that reads a
     * dataset from disk may return data of the same structure with no samples (the same nodes and widths, contexts,
     * loss, and kind of data, e.g. routing data with its domains) when the shapes are known from the parameters
     * alone. Empty, the default, when only loading can tell; such a task's fit with the rest is then checked when
     * the run starts. Fails like {@link #load} on bad parameters (preferably with a {@link ParamException}).
     */
    default java.util.Optional<TaskData> preview(Params params, long seed) {
        return java.util.Optional.empty();
    }
}
