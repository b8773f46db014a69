package io.github.gdln.api;

import java.util.Objects;

/**
 * A node (layer) of a gated network: its name and its width n_v.
 *
 * @param name  unique name within the graph
 * @param width number of units, at least 1
 */
public record Node(String name, int width) {
    public Node {
        Objects.requireNonNull(name, "node name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("node name must not be blank");
        }
        if (width < 1) {
            throw new IllegalArgumentException("node '" + name + "': width must be >= 1, was " + width);
        }
    }
}
