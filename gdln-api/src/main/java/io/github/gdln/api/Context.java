package io.github.gdln.api;

import java.util.Map;
import java.util.Objects;

/**
 * One context of a task: a named situation under which every base sample is evaluated with its own gates.
 * In the routing tasks a context is a pathway i -> j (input domain i, output domain j), with coordinates
 * {@code in=i, out=j}.
 * Samples are never copied per context: the engine evaluates base samples under each context's gates.
 *
 * @param name        readable name, e.g. {@code "3->5"}
 * @param coordinates integer coordinates that gating schemes read, e.g. {@code in} and {@code out}
 */
public record Context(String name, Map<String, Integer> coordinates) {
    public Context {
        Objects.requireNonNull(name, "context name");
        coordinates = Map.copyOf(coordinates);
    }

    /** The coordinate {@code key}, or an error naming the context and the available keys. */
    public int coordinate(String key) {
        Integer v = coordinates.get(key);
        if (v == null) {
            throw new IllegalArgumentException("context '" + name + "' has no coordinate '" + key
                    + "'; it has " + coordinates.keySet());
        }
        return v;
    }

    /** The routing context of the pathway from input domain {@code in} to output domain {@code out}. */
    public static Context route(int in, int out) {
        return new Context(in + "->" + out, Map.of("in", in, "out", out));
    }
}
