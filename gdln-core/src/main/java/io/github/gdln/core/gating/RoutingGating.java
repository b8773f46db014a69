package io.github.gdln.core.gating;

import io.github.gdln.api.Context;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.ParamException;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import io.github.gdln.core.arch.RoutingArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Routing gating (docs/theory.md §3.2, §4.1): the context of pathway i -> j opens input node {@code in<i>} and
 * output node {@code out<j>} and closes every other input and output node; it is trained when the M x M
 * trained-pathway matrix G has G_ij = 1.
 *
 * <p>Parameters: {@code mode} ({@link TrainedPairs.Mode}), {@code K} (trained pathways per input domain, ignored by
 * {@code mod} and {@code fully_connected}) and {@code permute} (permute G's columns with the {@code gating} stream, so
 * every row and column still has K ones). M is the number of input nodes named {@code in<i>}.
 */
public final class RoutingGating implements GatingScheme {
    @Override
    public String name() {
        return "routing";
    }

    @Override
    public String description() {
        return "open input domain i and output domain j for context i->j; train the pathways of a K-band matrix";
    }

    @Override
    public Gating bind(Params params, Graph graph, TaskData data, long seed) {
        int m = graph.inputs().size();
        TrainedPairs.Mode mode = TrainedPairs.Mode.parse(params.getString("mode"), params.owner());
        int k = mode.usesK() ? params.getInt("K", 1) : 1;
        if (k > m) {
            throw new ParamException(params.owner(), "K", k, "must be in 1.." + m + " (the number of domains)");
        }
        boolean[][] g = TrainedPairs.matrix(mode, m, k);
        if (params.getBoolean("permute")) {
            g = TrainedPairs.permuteColumns(g, new SplittableRandom(seed));
        }
        boolean[][] trained = g;
        List<Context> contexts = data.contexts();
        List<Gates> gates = new ArrayList<>();
        boolean[] isTrained = new boolean[contexts.size()];
        for (int c = 0; c < contexts.size(); c++) {
            int i = contexts.get(c).coordinate("in");
            int j = contexts.get(c).coordinate("out");
            if (i < 0 || i >= m || j < 0 || j >= m) {
                throw new IllegalArgumentException(params.owner() + ": context '" + contexts.get(c).name()
                        + "' is the pathway " + i + " -> " + j + " but the graph has " + m + " domains");
            }
            List<String> closed = new ArrayList<>();
            for (int d = 0; d < m; d++) {
                if (d != i) {
                    closed.add(RoutingArchitecture.INPUT + d);
                }
                if (d != j) {
                    closed.add(RoutingArchitecture.OUTPUT + d);
                }
            }
            gates.add(Gates.closing(closed));
            isTrained[c] = trained[i][j];
        }
        return new Gating() {
            @Override
            public Gates gates(int context) {
                return gates.get(context);
            }

            @Override
            public boolean trained(int context) {
                return isTrained[context];
            }
        };
    }
}
