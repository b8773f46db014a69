package io.github.gdln.api;

import java.util.List;

/**
 * The description of a gated network: nodes, edges, and which nodes receive inputs and produce outputs.
 * This is only a description; the engine validates it (unknown nodes, cycles, unreachable outputs, duplicate names)
 * when it compiles a network from it.
 *
 * @param nodes   the nodes, in any order
 * @param edges   the edges, in any order
 * @param inputs  names of the input nodes In(Γ)
 * @param outputs names of the output nodes Out(Γ)
 */
public record Graph(List<Node> nodes, List<Edge> edges, List<String> inputs, List<String> outputs) {
    public Graph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Returns the node with the given name, or throws naming the missing node. */
    public Node node(String name) {
        for (Node n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown node '" + name + "'");
    }
}
