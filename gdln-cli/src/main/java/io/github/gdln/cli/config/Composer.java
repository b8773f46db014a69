package io.github.gdln.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.github.gdln.core.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Composes one run's configuration from layers, each a {@code withFallback} of the next (docs/design.md,
 * "Configuration layers"):
 * <ol>
 *   <li>{@code key=value} overrides from the command line (highest);</li>
 *   <li>the user's file ({@code --config FILE});</li>
 *   <li>the experiment file ({@code experiments/<name>.conf} in the application or a plugin jar, or a path);</li>
 *   <li>the application's defaults, {@code gdln.cli.defaults} in gdln-cli's {@code reference.conf};</li>
 *   <li>each selected component's defaults, {@code gdln.task.<name>} etc. in the reference.conf of the module that
 *       ships it (lowest).</li>
 * </ol>
 * A layer that names another component in a group ({@code task.name}, or {@code task=xor} on the command line)
 * replaces that group of the layers below, as selecting another option of a Hydra config group does.
 */
public final class Composer {
    /** The component groups and the registry kinds they select. */
    public static final Map<String, Registry.Kind> GROUPS = Map.of("task", Registry.Kind.TASK, "gating",
            Registry.Kind.GATING, "model", Registry.Kind.ARCHITECTURE);

    private final Registry registry;
    private final Config appDefaults;

    /**
     * @param registry    the components (built-ins and plugins)
     * @param appDefaults the application defaults ({@code gdln.cli.defaults})
     */
    public Composer(Registry registry, Config appDefaults) {
        this.registry = registry;
        this.appDefaults = appDefaults;
    }

    /** A composer with the defaults of gdln-cli's reference.conf. */
    public static Composer of(Registry registry) {
        return new Composer(registry, ConfigFactory.defaultReference(Composer.class.getClassLoader())
                .getConfig("gdln.cli.defaults"));
    }

    /** The application defaults. */
    public Config appDefaults() {
        return appDefaults;
    }

    /** The registry. */
    public Registry registry() {
        return registry;
    }

    /**
     * The composed, resolved configuration and the keys the command line added with {@code +}.
     *
     * @param config    the resolved configuration
     * @param addedKeys keys added with {@code +key=value}
     */
    public record Composed(Config config, Set<String> addedKeys) {
    }

    /** Parses an experiment given by name, or by path when it ends in {@code .conf} and the file exists. */
    public static Config experimentLayer(Experiments experiments, String nameOrPath) {
        Path p = Path.of(nameOrPath);
        Config layer;
        String name;
        if (nameOrPath.endsWith(".conf") && Files.isRegularFile(p)) {
            layer = ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            String file = p.getFileName().toString();
            name = file.substring(0, file.length() - 5);
        } else {
            layer = experiments.get(nameOrPath).parse();
            name = nameOrPath;
        }
        if (!layer.hasPath("experiment.name")) {
            layer = layer.withFallback(ConfigFactory.parseMap(Map.of("experiment.name", name), "experiment file name"));
        }
        return layer;
    }

    /** Parses the user's file, or fails with a problem naming it. */
    public static Config userLayer(Optional<Path> file) {
        if (file.isEmpty()) {
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file.get())) {
            throw new ConfigProblems(new Problem("--config", file.get().toString(), Origins.COMMAND_LINE,
                    "no such file", ""));
        }
        try {
            return ConfigFactory.parseFile(file.get().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigProblems(new Problem("--config", file.get().toString(), Origins.COMMAND_LINE,
                    e.getMessage(), ""));
        }
    }

    /** Composes {@code experiment}, {@code user} and {@code overrides} over the defaults. */
    public Composed compose(Config experiment, Config user, List<Assignment> overrides) {
        List<Problem> problems = new ArrayList<>();
        Config merged = layer(appDefaults, experiment);
        merged = layer(merged, user);
        Set<String> added = new LinkedHashSet<>();
        for (Assignment o : overrides) {
            Config oc;
            try {
                oc = parseOverride(o);
            } catch (ConfigException e) {
                problems.add(new Problem(o.key(), o.value(), Origins.COMMAND_LINE, "cannot parse the value: "
                        + e.getMessage().replaceFirst("^command line: \\d+: ", ""), ""));
                continue;
            }
            if (o.add()) {
                added.add(o.key());
            }
            merged = layer(merged, oc);
        }
        for (Map.Entry<String, Registry.Kind> g : GROUPS.entrySet()) {
            String namePath = g.getKey() + ".name";
            if (!merged.hasPath(namePath)) {
                continue;
            }
            String name;
            try {
                name = merged.getString(namePath);
            } catch (ConfigException e) {
                continue; // reported by the binder
            }
            if (registry.names(g.getValue()).contains(name)) {
                merged = merged.withFallback(registry.defaults(g.getValue(), name).atPath(g.getKey()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        try {
            return new Composed(merged.resolve(), added);
        } catch (ConfigException e) {
            throw new ConfigProblems(new Problem("(substitution)", "", "", e.getMessage(), ""));
        }
    }

    /** {@code upper} over {@code lower}, dropping lower component groups whose component upper switches. */
    static Config layer(Config lower, Config upper) {
        Config base = lower;
        for (String g : GROUPS.keySet()) {
            String path = g + ".name";
            if (upper.hasPath(path) && lower.hasPath(path)) {
                Object a = upper.getValue(path).unwrapped();
                Object b = lower.getValue(path).unwrapped();
                if (!a.equals(b)) {
                    base = base.withoutPath(g);
                }
            }
        }
        return upper.withFallback(base);
    }

    private static Config parseOverride(Assignment o) {
        ConfigParseOptions opts = ConfigParseOptions.defaults().setOriginDescription(Origins.COMMAND_LINE);
        if (o.switchesGroup()) {
            return ConfigFactory.parseString("name = " + ConfigValueFactory.fromAnyRef(o.value()).render(), opts)
                    .atPath(o.key());
        }
        if (o.value().isEmpty()) {
            return ConfigFactory.parseString(o.key() + " = \"\"", opts);
        }
        return ConfigFactory.parseString(o.key() + " = " + o.value(), opts);
    }
}
