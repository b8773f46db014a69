package io.github.gdln.api;

import java.util.Objects;

/**
 * A directed edge of a gated network, carrying a weight matrix W_e of shape (width(target) x width(source)) and,
 * optionally, a bias b_e (width(target)). The edge adds g_e (W_e h_s + g_s b_e) to its target: the bias acts like a
 * constant unit of the source node, gated with it, so a closed source contributes no bias.
 *
 * @param name   unique name within the graph
 * @param source name of the source node s(e)
 * @param target name of the target node t(e)
 * @param bias   whether the edge carries a bias (a trained parameter, starting at zero)
 */
public record Edge(String name, String source, String target, boolean bias) {
    /** An edge without bias. */
    public Edge(String name, String source, String target) {
        this(name, source, target, false);
    }

    /** Checks the names. */
    public Edge {
        Objects.requireNonNull(name, "edge name");
        Objects.requireNonNull(source, "source of edge " + name);
        Objects.requireNonNull(target, "target of edge " + name);
        if (name.isBlank()) {
            throw new IllegalArgumentException("edge name must not be blank");
        }
    }
}
