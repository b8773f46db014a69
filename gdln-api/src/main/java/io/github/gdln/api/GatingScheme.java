package io.github.gdln.api;

/**
 * SPI: how contexts (and, for input-dependent gating, samples) switch the nodes and edges of a network on and off,
 * and which contexts are trained. Found by {@link java.util.ServiceLoader} or as a PF4J extension and selected by
 * {@link #name()}.
 */
public interface GatingScheme {

    /** The unique name used in configurations, e.g. {@code routing}. */
    String name();

    /** One line for listings. */
    String description();

    /**
     * Binds the scheme to a graph and a task's data.
     *
     * @param params the scheme's resolved parameters
     * @param graph  the network's graph
     * @param data   the task's data (contexts, and the samples for input-dependent gating)
     * @param seed   the random stream reserved for gating (e.g. permuted columns), derived from the run's root seed
     */
    Gating bind(Params params, Graph graph, TaskData data, long seed);

    /** A gating scheme bound to one graph and task: the gates of each context and whether it is trained. */
    interface Gating {

        /** The gates of context {@code context} (an index into {@link TaskData#contexts()}). */
        Gates gates(int context);

        /** Whether context {@code context} contributes to the training loss (otherwise it is only evaluated). */
        boolean trained(int context);
    }
}
