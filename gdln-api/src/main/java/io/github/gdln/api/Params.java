package io.github.gdln.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Immutable named parameters handed to an SPI implementation: the resolved configuration block of a task, a
 * gating scheme or an architecture. Values are JDK types (Number, String, Boolean, List) and nested blocks: a nested
 * object is a {@code Params} (or a {@code Map}, wrapped on access), a list of objects a list of them. A missing key
 * or a value of the wrong type fails with a {@link ParamException} naming the owner, where it was written, the key and the value.
 *
 * @param owner  what the parameters configure, used in error messages (e.g. {@code "task routing-toy"},
 *               {@code "model.nodes[2]"})
 * @param values the values by key
 * @param origin where the block was written ({@code file:line}), or empty when unknown
 */
public record Params(String owner, Map<String, Object> values, String origin) {
    public Params {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(origin, "origin");
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Parameters with no known origin. */
    public Params(String owner, Map<String, Object> values) {
        this(owner, values, "");
    }

    /** The owner and, when known, where it was written: {@code model.nodes[2] (three-pathways.conf:14)}. */
    public String where() {
        return origin.isEmpty() ? owner : owner + " (" + origin + ")";
    }

    /** The keys that are set. */
    public java.util.Set<String> keys() {
        return values.keySet();
    }

    /** Fails naming the first key that is not one of {@code allowed} (a misspelt key in a nested block). */
    public void requireOnly(java.util.Collection<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where() + ": unknown key '" + k + "'; expected one of "
                        + String.join(", ", allowed));
            }
        }
    }

    /** Parameters with no values. */
    public static Params empty(String owner) {
        return new Params(owner, Map.of());
    }

    /** A copy with {@code key} set to {@code value}. */
    public Params with(String key, Object value) {
        Map<String, Object> m = new TreeMap<>(values);
        m.put(key, value);
        return new Params(owner, m, origin);
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    private Object required(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new ParamException(where(), key, null, "is missing (have " + values.keySet() + ")");
        }
        return v;
    }

    private ParamException wrongType(String key, Object v, String expected) {
        return new ParamException(where(), key, v, "is not " + expected);
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
            throw new ParamException(where(), key, v, "must be >= " + min);
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

    /** The list of strings {@code key} (numbers and booleans as written). */
    public List<String> getStringList(String key) {
        Object v = required(key);
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String || o instanceof Number || o instanceof Boolean)) {
                    throw wrongType(key, v, "a list of names");
                }
                out.add(o.toString());
            }
            return List.copyOf(out);
        }
        throw wrongType(key, v, "a list of names");
    }

    /** The nested block {@code key}. */
    public Params getParams(String key) {
        Object v = required(key);
        Params p = asParams(v, owner + "." + key);
        if (p == null) {
            throw wrongType(key, v, "an object { ... }");
        }
        return p;
    }

    /** The list of blocks {@code key}, e.g. {@code nodes = [{name = x}, {name = h, width = 8}]}. */
    public List<Params> getParamsList(String key) {
        Object v = required(key);
        if (v instanceof List<?> list) {
            List<Params> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Params p = asParams(list.get(i), owner + "." + key + "[" + i + "]");
                if (p == null) {
                    throw new IllegalArgumentException(where() + ": parameter '" + key + "' element " + i + " = "
                            + list.get(i) + " is not an object { ... }");
                }
                out.add(p);
            }
            return List.copyOf(out);
        }
        throw wrongType(key, v, "a list of objects [{ ... }, ...]");
    }

    /** A nested value as a block named {@code name}, or null when it is not an object. */
    @SuppressWarnings("unchecked")
    private Params asParams(Object v, String name) {
        if (v instanceof Params p) {
            return p;
        }
        if (v instanceof Map<?, ?> m) {
            return new Params(name, (Map<String, Object>) m, origin);
        }
        return null;
    }

    /** The raw value of {@code key} (JDK types, nested blocks as {@code Params} or {@code Map}). */
    public Object get(String key) {
        return required(key);
    }
}
