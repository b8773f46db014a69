package io.github.gdln.core.arch;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.List;

/**
 * One input node {@code x}, B parallel hidden branches {@code b0..} and one output node {@code y}: a one-hidden-layer
 * network whose hidden units are grouped into separately gated branches, as in the XOR example of docs/theory.md §3.1
 * (a ReLU network with frozen gating). Edges {@code in<k>: x -> b<k>} and {@code out<k>: b<k> -> y}.
 *
 * <p>The widths of {@code x} and {@code y} follow from the task's data. Parameters: {@code branches} (B),
 * {@code branch-width}.
 */
public final class BranchesArchitecture implements Architecture {
    @Override
    public String name() {
        return "branches";
    }

    @Override
    public String description() {
        return "input x -> B separately gated hidden branches -> output y (the XOR network)";
    }

    @Override
    public Graph build(Params p, TaskData data) {
        int in = ChainArchitecture.dataWidth(data.inputWidths(), "x", name());
        int out = ChainArchitecture.dataWidth(data.outputWidths(), "y", name());
        int branches = p.getInt("branches", 1);
        int width = p.getInt("branch-width", 1);
        List<Node> nodes = new ArrayList<>(List.of(new Node("x", in), new Node("y", out)));
        List<Edge> edges = new ArrayList<>();
        for (int k = 0; k < branches; k++) {
            nodes.add(new Node("b" + k, width));
            edges.add(new Edge("in" + k, "x", "b" + k));
            edges.add(new Edge("out" + k, "b" + k, "y"));
        }
        return new Graph(nodes, edges, List.of("x"), List.of("y"));
    }
}
