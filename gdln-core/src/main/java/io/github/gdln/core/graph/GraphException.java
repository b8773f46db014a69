package io.github.gdln.core.graph;

/** An architecture graph or its gates are invalid; the message names the node, edge or context and the value. */
public class GraphException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public GraphException(String message) {
        super(message);
    }
}
