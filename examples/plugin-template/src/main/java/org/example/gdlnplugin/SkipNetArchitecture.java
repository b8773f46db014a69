package org.example.gdlnplugin;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.List;

/**
 * Architecture {@code skip-net}: input {@code x}, one hidden node {@code h}, output {@code y}; edges
 * {@code in: x -> h}, {@code out: h -> y} and the shortcut {@code skip: x -> y}. The widths of x and y follow the
 * task's data. Parameters: {@code hidden-width}.
 */
public final class SkipNetArchitecture implements Architecture {
    @Override
    public String name() {
        return "skip-net";
    }

    @Override
    public String description() {
        return "template plugin: x -> h -> y plus a shortcut edge x -> y";
    }

    @Override
    public Graph build(Params params, TaskData data) {
        int in = width(data.inputWidths().get("x"), "input", "x");
        int out = width(data.outputWidths().get("y"), "output", "y");
        int hidden = params.getInt("hidden-width", 1);
        return new Graph(List.of(new Node("x", in), new Node("h", hidden), new Node("y", out)),
                List.of(new Edge("in", "x", "h"), new Edge("out", "h", "y"), new Edge("skip", "x", "y")),
                List.of("x"), List.of("y"));
    }

    private static int width(Integer w, String kind, String node) {
        if (w == null) {
            throw new IllegalArgumentException("skip-net: the task has no " + kind + " node '" + node
                    + "'; skip-net needs a task with input x and output y");
        }
        return w;
    }
}
