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

    /** Builds the graph described by {@code params} (widths, number of domains, depth...). */
    Graph build(Params params);
}
