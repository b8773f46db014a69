package io.github.gdln.core.gating;

import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;

/** Every gate open and every context trained: an ordinary (ungated) linear network. */
public final class OpenGating implements GatingScheme {
    @Override
    public String name() {
        return "open";
    }

    @Override
    public String description() {
        return "all gates open, every context trained (a plain deep linear network)";
    }

    @Override
    public Gating bind(Params params, Graph graph, TaskData data, long seed) {
        return new Gating() {
            @Override
            public Gates gates(int context) {
                return Gates.open();
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        };
    }
}
