package io.github.gdln.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Immutable named parameters handed to an SPI implementation: the resolved configuration block of a task, a
 * gating scheme or an architecture. Values are JDK types (Number, String, Boolean, List). A missing key or a value
 * of the wrong type fails with a {@link ParamException} naming the owner, the key and the value.
 *
 * @param owner  what the parameters configure, used in error messages (e.g. {@code "task routing-toy"})
 * @param values the values by key
 */
public record Params(String owner, Map<String, Object> values) {
    public Params {
        Objects.requireNonNull(owner, "owner");
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Parameters with no values. */
    public static Params empty(String owner) {
        return new Params(owner, Map.of());
    }

    /** A copy with {@code key} set to {@code value}. */
    public Params with(String key, Object value) {
        Map<String, Object> m = new TreeMap<>(values);
        m.put(key, value);
        return new Params(owner, m);
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    private Object required(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new ParamException(owner, key, null, "is missing (have " + values.keySet() + ")");
        }
        return v;
    }

    private ParamException wrongType(String key, Object v, String expected) {
        return new ParamException(owner, key, v, "is not " + expected);
    }

    /** The integer {@code key}. */
    public int getInt(String key) {
        Object v = required(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw wrongType(key, v, "an integer");
    }

    /** The integer {@code key}, at least {@code min}. */
    public int getInt(String key, int min) {
        int v = getInt(key);
        if (v < min) {
            throw new ParamException(owner, key, v, "must be >= " + min);
        }
        return v;
    }

    /** The number {@code key}. */
    public double getDouble(String key) {
        Object v = required(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, v, "a number");
    }

    /** The string {@code key}. */
    public String getString(String key) {
        Object v = required(key);
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, v, "a string");
    }

    /** The boolean {@code key}. */
    public boolean getBoolean(String key) {
        Object v = required(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, v, "a boolean");
    }

    /** The list of numbers {@code key}, as doubles. */
    public List<Double> getDoubleList(String key) {
        Object v = required(key);
        if (v instanceof List<?> list) {
            List<Double> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Number n)) {
                    throw wrongType(key, v, "a list of numbers");
                }
                out.add(n.doubleValue());
            }
            return List.copyOf(out);
        }
        throw wrongType(key, v, "a list of numbers");
    }
}
