package io.github.gdln.core.arch;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain deep linear network: nodes {@code x, h1, ..., y} in a chain with edges {@code w1, w2, ...}.
 * The widths of {@code x} and {@code y} follow from the task's data; parameter {@code hidden-widths} lists the
 * hidden layers' widths (possibly empty: a single edge).
 */
public final class ChainArchitecture implements Architecture {
    @Override
    public String name() {
        return "chain";
    }

    @Override
    public String description() {
        return "a deep linear network x -> h1 -> ... -> y with the given widths";
    }

    @Override
    public Graph build(Params p, TaskData data) {
        List<Integer> widths = new ArrayList<>();
        widths.add(dataWidth(data.inputWidths(), "x", name()));
        for (double w : p.getDoubleList("hidden-widths")) {
            if (w != Math.rint(w) || w < 1) {
                throw new IllegalArgumentException(p.owner() + ": width " + w
                        + " in 'hidden-widths' is not a positive integer");
            }
            widths.add((int) w);
        }
        widths.add(dataWidth(data.outputWidths(), "y", name()));
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int k = 0; k < widths.size(); k++) {
            String name = k == 0 ? "x" : k == widths.size() - 1 ? "y" : "h" + k;
            nodes.add(new Node(name, widths.get(k)));
            if (k > 0) {
                edges.add(new Edge("w" + k, nodes.get(k - 1).name(), name));
            }
        }
        return new Graph(nodes, edges, List.of("x"), List.of("y"));
    }

    /** The width the task's data gives node {@code node}, or an error naming the architecture and node. */
    static int dataWidth(Map<String, Integer> widths, String node, String architecture) {
        Integer w = widths.get(node);
        if (w == null) {
            throw new IllegalArgumentException("architecture " + architecture + " needs task data for node '" + node
                    + "'; the task has " + widths.keySet());
        }
        return w;
    }
}
