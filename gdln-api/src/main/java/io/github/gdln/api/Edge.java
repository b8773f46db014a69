package io.github.gdln.api;

import java.util.Objects;

/**
 * A directed edge of a gated network, carrying a weight matrix W_e of shape (width(target) x width(source)).
 *
 * @param name   unique name within the graph
 * @param source name of the source node s(e)
 * @param target name of the target node t(e)
 */
public record Edge(String name, String source, String target) {
    public Edge {
        Objects.requireNonNull(name, "edge name");
        Objects.requireNonNull(source, "source of edge " + name);
        Objects.requireNonNull(target, "target of edge " + name);
        if (name.isBlank()) {
            throw new IllegalArgumentException("edge name must not be blank");
        }
    }
}
