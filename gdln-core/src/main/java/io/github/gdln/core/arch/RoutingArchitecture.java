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
 * The routing network of docs/theory.md §3.2: M input nodes {@code in0..} each with its own encoder {@code enc<i>} into
 * a shared hidden chain {@code h1 -> ... -> h<L>} (shared edges {@code shared1..}), and M output nodes {@code out0..}
 * each with its own decoder {@code dec<j>}. Every pathway i -> j is one path; each encoder and decoder lies on M
 * paths, the shared edges on M² (docs/theory.md §3.2).
 *
 * <p>M and the input and output widths follow from the task's data, which must feed nodes {@code in0..in<M-1>}
 * and have targets for {@code out0..out<M-1>}. Parameters: {@code hidden-width}, {@code hidden-layers}
 * (L &gt;= 1; L = 2 is the paper's network), {@code bias} (every edge carries a bias, as in the MNIST experiments of
 * the paper; default false).
 */
public final class RoutingArchitecture implements Architecture {
    /** Name prefix of the input nodes. */
    public static final String INPUT = "in";
    /** Name prefix of the output nodes. */
    public static final String OUTPUT = "out";

    @Override
    public String name() {
        return "routing";
    }

    @Override
    public String description() {
        return "M input domains -> per-domain encoders -> shared hidden layers -> per-domain decoders -> M outputs";
    }

    @Override
    public Graph build(Params p, TaskData data) {
        int m = data.inputWidths().size();
        int hidden = p.getInt("hidden-width", 1);
        int layers = p.getInt("hidden-layers", 1);
        boolean bias = p.getBoolean("bias");
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            nodes.add(new Node("h" + l, hidden));
            if (l > 1) {
                edges.add(new Edge("shared" + (l - 1), "h" + (l - 1), "h" + l, bias));
            }
        }
        for (int i = 0; i < m; i++) {
            nodes.add(new Node(INPUT + i, width(data.inputWidths(), INPUT + i)));
            inputs.add(INPUT + i);
            edges.add(new Edge("enc" + i, INPUT + i, "h1", bias));
        }
        for (int j = 0; j < m; j++) {
            nodes.add(new Node(OUTPUT + j, width(data.outputWidths(), OUTPUT + j)));
            outputs.add(OUTPUT + j);
            edges.add(new Edge("dec" + j, "h" + layers, OUTPUT + j, bias));
        }
        return new Graph(nodes, edges, inputs, outputs);
    }

    private static int width(Map<String, Integer> widths, String node) {
        Integer w = widths.get(node);
        if (w == null) {
            throw new IllegalArgumentException("architecture routing: the task has no data for node '" + node
                    + "'; routing tasks name their nodes " + INPUT + "<i> and " + OUTPUT + "<j>, the task has "
                    + widths.keySet());
        }
        return w;
    }
}
