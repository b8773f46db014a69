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
}
