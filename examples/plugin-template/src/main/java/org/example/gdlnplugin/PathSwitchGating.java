package org.example.gdlnplugin;

import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.Map;

/**
 * Gating scheme {@code path-switch} for {@code skip-net}: context {@code deep} closes the shortcut edge
 * {@code skip} (only x -> h -> y computes), context {@code shallow} closes the hidden node {@code h} (only the
 * shortcut computes); any other context leaves everything open. Parameter {@code train-shallow}: whether the
 * shallow context is trained (otherwise it is only evaluated, so the run shows how much the deep pathway's
 * learning transfers to it: none, since they share no edge).
 */
public final class PathSwitchGating implements GatingScheme {
    @Override
    public String name() {
        return "path-switch";
    }

    @Override
    public String description() {
        return "template plugin: context 'deep' closes edge skip, context 'shallow' closes node h";
    }

    @Override
    public Gating bind(Params params, Graph graph, TaskData data, long seed) {
        graph.node("h"); // fails naming the node when the architecture has none
        if (graph.edges().stream().noneMatch(e -> e.name().equals("skip"))) {
            throw new IllegalArgumentException("path-switch: the network has no edge 'skip' (use model skip-net)");
        }
        boolean trainShallow = params.getBoolean("train-shallow");
        return new Gating() {
            @Override
            public Gates gates(int context) {
                return switch (data.contexts().get(context).name()) {
                    case "deep" -> new Gates(Map.of(), Map.of("skip", new double[] {0}));
                    case "shallow" -> new Gates(Map.of("h", new double[] {0}), Map.of());
                    default -> Gates.open();
                };
            }

            @Override
            public boolean trained(int context) {
                return trainShallow || !data.contexts().get(context).name().equals("shallow");
            }
        };
    }
}
