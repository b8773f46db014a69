package io.github.gdln.core.arch;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain deep linear network: nodes {@code x, h1, ..., y} in a chain with edges {@code w1, w2, ...}.
 * Parameter {@code widths}: the list of widths from input to output (at least two).
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
    public Graph build(Params p) {
        List<Double> widths = p.getDoubleList("widths");
        if (widths.size() < 2) {
            throw new IllegalArgumentException(p.owner() + ": 'widths' needs at least two entries, was " + widths);
        }
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int k = 0; k < widths.size(); k++) {
            String name = k == 0 ? "x" : k == widths.size() - 1 ? "y" : "h" + k;
            double w = widths.get(k);
            if (w != Math.rint(w)) {
                throw new IllegalArgumentException(p.owner() + ": width " + w + " in 'widths' is not an integer");
            }
            nodes.add(new Node(name, (int) w));
            if (k > 0) {
                edges.add(new Edge("w" + k, nodes.get(k - 1).name(), name));
            }
        }
        return new Graph(nodes, edges, List.of("x"), List.of("y"));
    }
}
