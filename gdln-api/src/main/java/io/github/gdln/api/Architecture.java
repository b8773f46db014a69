package io.github.gdln.api;

/**
 * SPI: a family of gated network graphs, found by {@link java.util.ServiceLoader} or as a PF4J extension and
 * selected by {@link #name()}.
 */
public interface Architecture {

    /** The unique name used in configurations, e.g. {@code routing}. */
    String name();

    /** One line for listings. */
    String description();

    /**
     * Builds the graph described by {@code params} (hidden widths, depth...) for a task's data: input and output
     * nodes (their names and widths) usually follow from {@link TaskData#inputWidths()} and
     * {@link TaskData#outputWidths()}, so one architecture serves tasks of any size.
     */
    Graph build(Params params, TaskData data);
}
