package io.github.gdln.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.gdln.api.Architecture;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds tasks, gating schemes and architectures by name. Built-ins come from {@link ServiceLoader}; more (e.g. PF4J
 * plugin extensions) are added with {@link #add}. An unknown name fails listing the available names, and a name
 * registered twice fails naming both origins.
 *
 * <p>Defaults of every component live in the {@code reference.conf} of the module that ships it, under
 * {@code gdln.task.<name>}, {@code gdln.gating.<name>} and {@code gdln.architecture.<name>};
 * {@link #params} merges them under the caller's values.
 */
public final class Registry {
    /** The three kinds of component and their configuration paths. */
    public enum Kind {
        TASK("task"), GATING("gating"), ARCHITECTURE("architecture");

        private final String path;

        Kind(String path) {
            this.path = path;
        }

        /** The configuration key of this kind ({@code task}, {@code gating}, {@code architecture}). */
        public String path() {
            return path;
        }
    }

    /** A registered component and where it came from (e.g. {@code built-in} or a plugin id). */
    public record Entry<T>(String name, T component, String origin, ClassLoader loader) {
    }

    private final Map<Kind, Map<String, Entry<?>>> entries = new HashMap<>();

    private Registry() {
        for (Kind k : Kind.values()) {
            entries.put(k, new TreeMap<>());
        }
    }

    /** A registry with the built-ins found by ServiceLoader on the class path of {@code loader}. */
    public static Registry builtIn(ClassLoader loader) {
        Registry r = new Registry();
        ServiceLoader.load(Task.class, loader).forEach(t -> r.add(Kind.TASK, t.name(), t, "built-in", loader));
        ServiceLoader.load(GatingScheme.class, loader)
                .forEach(g -> r.add(Kind.GATING, g.name(), g, "built-in", loader));
        ServiceLoader.load(Architecture.class, loader)
                .forEach(a -> r.add(Kind.ARCHITECTURE, a.name(), a, "built-in", loader));
        return r;
    }

    /** A registry with the built-ins of gdln-core's own class loader. */
    public static Registry builtIn() {
        return builtIn(Registry.class.getClassLoader());
    }

    /** Registers a component; fails if the name is taken. */
    public <T> void add(Kind kind, String name, T component, String origin, ClassLoader loader) {
        Entry<?> old = entries.get(kind).get(name);
        if (old != null) {
            throw new IllegalStateException("duplicate " + kind.path() + " name '" + name + "': from " + old.origin()
                    + " and from " + origin);
        }
        entries.get(kind).put(name, new Entry<>(name, component, origin, loader));
    }

    /** The entries of a kind, sorted by name. */
    public Collection<Entry<?>> entries(Kind kind) {
        return Collections.unmodifiableCollection(entries.get(kind).values());
    }

    private Entry<?> entry(Kind kind, String name) {
        Entry<?> e = entries.get(kind).get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown " + kind.path() + " '" + name + "'; available: "
                    + String.join(", ", entries.get(kind).keySet()));
        }
        return e;
    }

    public Task task(String name) {
        return (Task) entry(Kind.TASK, name).component();
    }

    public GatingScheme gating(String name) {
        return (GatingScheme) entry(Kind.GATING, name).component();
    }

    public Architecture architecture(String name) {
        return (Architecture) entry(Kind.ARCHITECTURE, name).component();
    }

    /** The default configuration of a component (its reference.conf block), possibly empty. */
    public Config defaults(Kind kind, String name) {
        Entry<?> e = entry(kind, name);
        String path = "gdln." + kind.path() + ".\"" + name + "\"";
        Config ref = ConfigFactory.defaultReference(e.loader());
        return ref.hasPath(path) ? ref.getConfig(path) : ConfigFactory.empty();
    }

    /**
     * The parameters of a component: {@code values} over its defaults. Values that hold nested {@link Params} (blocks
     * bound with their origins, e.g. by the command line) replace the default of their key as they are.
     */
    public Params params(Kind kind, String name, Map<String, ?> values) {
        Map<String, Object> plain = new TreeMap<>();
        Map<String, Object> bound = new TreeMap<>();
        values.forEach((k, v) -> (holdsParams(v) ? bound : plain).put(k, v));
        Config merged = ConfigFactory.parseMap(plain, "given values").withFallback(defaults(kind, name)).resolve();
        Map<String, Object> all = unwrap(merged);
        all.putAll(bound);
        return new Params(kind.path() + " " + name, all);
    }

    private static boolean holdsParams(Object v) {
        return v instanceof Params || v instanceof List<?> l && l.stream().anyMatch(Params.class::isInstance);
    }

    /** A HOCON block as JDK values (numbers, strings, booleans, lists), keys unquoted. */
    public static Map<String, Object> unwrap(Config config) {
        return new TreeMap<>(config.root().unwrapped());
    }

    /** Names of a kind. */
    public List<String> names(Kind kind) {
        return List.copyOf(entries.get(kind).keySet());
    }

    /** Looks a name up with a custom mapping (for listing). */
    public <R> List<R> describe(Kind kind, Function<Entry<?>, R> f) {
        return entries.get(kind).values().stream().map(f).toList();
    }
}
