package io.github.gdln.cli.config;

import io.github.gdln.api.Params;
import io.github.gdln.core.Registry;
import io.github.gdln.core.gating.TrainedPairs;
import java.util.ArrayList;
import java.util.List;

/** Problems of a routing point that show without its data, for {@code gdln run --dry-run}. */
public final class RoutingProblems {
    private RoutingProblems() {
    }

    /**
     * A routing point's problem that shows without its data (empty when none): K outside 1..M for a task that
     * declares its domain count M ({@code task.domains}), found by {@link TrainedPairs#matrix}'s own check.
     */
    public static List<String> of(Registry registry, RunConfig config) {
        List<String> why = new ArrayList<>();
        if (config.gating() == null || !config.gating().name().equals("routing") || config.task() == null) {
            return why;
        }
        try {
            Params g = registry.params(Registry.Kind.GATING, config.gating().name(), config.gating().params());
            Params t = registry.params(Registry.Kind.TASK, config.task().name(), config.task().params());
            if (t.has("domains") && g.has("K") && g.has("mode")) {
                TrainedPairs.matrix(TrainedPairs.Mode.parse(g.getString("mode"), g.owner()), t.getInt("domains"),
                        g.getInt("K"));
            }
        } catch (IllegalArgumentException e) {
            why.add(e.getMessage());
        }
        return why;
    }
}
