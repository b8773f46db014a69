package io.github.gdln.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.github.gdln.api.ParamException;
import io.github.gdln.api.Params;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.train.EngineChoice;
import io.github.gdln.core.train.EngineSetup;
import io.github.gdln.core.train.TrainerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Validates a composed configuration and binds it to a {@link RunConfig}. Every problem is collected (unknown keys
 * with the nearest valid key, wrong types, out-of-range values, unknown component names) and thrown together as
 * {@link ConfigProblems}, each naming the key, the value and its origin. Then the components are set up dry
 * ({@link Simulation#check}: parameters, and how task, architecture and gating fit, without loading a dataset or
 * allocating a network), and the engine asked for is asked whether it can train the setup
 * ({@link EngineChoice}), so that what would fail when the run starts fails here, before anything is written.
 */
public final class Binder {
    /** Trainer methods as written in configurations. */
    public static final Map<String, TrainerSettings.Method> METHODS = Map.of("sgd", TrainerSettings.Method.SGD,
            "full-batch", TrainerSettings.Method.FULL_BATCH, "gradient-flow", TrainerSettings.Method.GRADIENT_FLOW);
    /** Initialisation schemes. */
    public static final List<String> INITS = List.of("aligned", "orthogonal", "gaussian", "xavier", "zero");

    private final Composer composer;
    private final Config config;
    private final Set<String> added;
    private final List<Problem> problems = new ArrayList<>();

    private Binder(Composer composer, Composer.Composed composed) {
        this.composer = composer;
        this.config = absoluteFiles(composed.config());
        this.added = composed.addedKeys();
    }

    /**
     * {@code config} with every relative {@code file = NAME} inside a component's list of blocks (e.g. the arrays of
     * {@code task = table}) resolved against the folder of the configuration file that wrote it, so a data file
     * sits next to its experiment and the run folder's {@code config.conf} (resume, repeat) still finds it.
     */
    static Config absoluteFiles(Config config) {
        Config out = config;
        for (String group : Composer.GROUPS.keySet()) {
            if (!config.hasPath(group) || config.getValue(group).valueType() != ConfigValueType.OBJECT) {
                continue;
            }
            for (Map.Entry<String, ConfigValue> e : config.getObject(group).entrySet()) {
                if (!(e.getValue() instanceof ConfigList list)) {
                    continue;
                }
                List<ConfigValue> items = new ArrayList<>();
                boolean changed = false;
                for (ConfigValue item : list) {
                    ConfigValue fixed = item instanceof ConfigObject o ? absoluteFile(o) : item;
                    changed |= fixed != item;
                    items.add(fixed);
                }
                if (changed) {
                    out = out.withValue(group + "." + ConfigUtil.quoteString(e.getKey()),
                            ConfigValueFactory.fromIterable(items, list.origin().description()));
                }
            }
        }
        return out;
    }

    private static ConfigValue absoluteFile(ConfigObject block) {
        ConfigValue file = block.get("file");
        if (file == null || file.valueType() != ConfigValueType.STRING || file.origin().filename() == null) {
            return block;
        }
        java.nio.file.Path name = java.nio.file.Path.of((String) file.unwrapped());
        java.nio.file.Path dir = java.nio.file.Path.of(file.origin().filename()).toAbsolutePath().getParent();
        if (name.isAbsolute() || dir == null) {
            return block;
        }
        return block.withValue("file", ConfigValueFactory.fromAnyRef(dir.resolve(name).normalize().toString(),
                file.origin().description()));
    }

    /** Validates and binds; throws {@link ConfigProblems} listing every problem. */
    public static RunConfig bind(Composer composer, Composer.Composed composed) {
        return new Binder(composer, composed).bind();
    }

    /** The keys a configuration may set (leaf paths), for suggestions and listings. */
    public static Set<String> validKeys(Composer composer, Config config) {
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : composer.appDefaults().entrySet()) {
            keys.add(e.getKey());
        }
        for (Map.Entry<String, Registry.Kind> g : Composer.GROUPS.entrySet()) {
            keys.add(g.getKey() + ".name");
            String name = nameOf(config, g.getKey());
            if (name != null && composer.registry().names(g.getValue()).contains(name)) {
                for (Map.Entry<String, ConfigValue> e : composer.registry().defaults(g.getValue(), name).entrySet()) {
                    keys.add(g.getKey() + "." + e.getKey());
                }
            }
        }
        return keys;
    }

    private static String nameOf(Config c, String group) {
        try {
            return c.hasPath(group + ".name") ? c.getString(group + ".name") : null;
        } catch (ConfigException e) {
            return null;
        }
    }

    private RunConfig bind() {
        Set<String> valid = validKeys(composer, config);
        checkKeys(valid);
        RunConfig.Experiment experiment = experiment();
        RunConfig.Component task = component("task");
        RunConfig.Component gating = component("gating");
        RunConfig.Component model = component("model");
        TrainerSettings trainer = trainer();
        RunConfig.Control control = new RunConfig.Control(integer("trainer.checkpoint-every", 0),
                integer("trainer.stop-after-epoch", 0));
        List<String> engines = new ArrayList<>(List.of(EngineChoice.AUTO));
        engines.addAll(composer.registry().names(Registry.Kind.ENGINE));
        String engine = oneOf("trainer.engine", engines);
        int evalTrain = integer("trainer.eval-train-samples", 0);
        int evalTest = integer("trainer.eval-test-samples", 0);
        int encoderWindow = encoderWindow("trainer.encoder-window");
        String scheme = oneOf("init.scheme", INITS);
        double scale = number("init.scale", 0, false);
        long seed = longValue("seed");
        String precision = oneOf("precision", List.of("double", "float"));
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        RunConfig bound = new RunConfig(experiment, task, gating, model, trainer, control,
                new RunConfig.Engine(engine, evalTrain, evalTest, encoderWindow), new InitSpec(scheme, scale), seed,
                precision.equals("float") ? DataType.FLOAT : DataType.DOUBLE, config);
        Simulation.check(composer.registry(), RunExecutor.setup(bound)).ifPresent(f -> {
            throw new ConfigProblems(problem(f));
        });
        checkEngine(bound);
        return bound;
    }

    /**
     * Whether the engine asked for ({@code trainer.engine}) can train the checked setup, as a problem at that key
     * with every reason it declines. On the task's preview this is {@link EngineChoice#choose} itself (graph, gates,
     * loss, data, trainer); a task that cannot preview its data without loading it (cifar-transfer with a feature
     * model) gets the part that needs no data ({@link EngineChoice#checkSettings}: trainer settings, precision), and
     * the rest is judged when the run has loaded the data.
     */
    private void checkEngine(RunConfig bound) {
        Registry registry = composer.registry();
        java.util.Optional<Simulation> preview = Simulation.preview(registry, RunExecutor.setup(bound));
        try {
            if (preview.isPresent()) {
                EngineChoice.choose(registry.engines(), bound.engine().name(),
                        new EngineSetup(preview.get(), bound.trainer(), RunExecutor.engineOptions(bound)));
            } else {
                EngineChoice.checkSettings(registry.engines(), bound.engine().name(), bound.trainer(),
                        bound.precision());
            }
        } catch (EngineChoice.Declined d) {
            ConfigValue v = valueAt("trainer.engine");
            throw new ConfigProblems(new Problem("trainer.engine", v == null ? d.requested() : v.render(),
                    v == null ? "" : Origins.describe(v.origin()), (d.requested().equals(EngineChoice.AUTO)
                    ? "no engine" : "the " + d.requested() + " engine") + " cannot train this setup: "
                    + String.join("; ", d.reasons()), ""));
        }
    }

    /**
     * A component that cannot be set up with its parameters, as a problem at the parameter's key when the
     * component named it, else at the component's name.
     */
    private Problem problem(Simulation.Fault fault) {
        String group = Composer.GROUPS.entrySet().stream().filter(g -> g.getValue() == fault.component())
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        // a parameter of the component's own block; one of a nested block (owner model.nodes[2] (file:line))
        // keeps its whole message, which says where that block was written
        if (fault.cause() instanceof ParamException p && !p.owner().contains(".")) {
            String key = group + "." + p.key();
            ConfigValue v = valueAt(key);
            return v != null ? new Problem(key, v.render(), Origins.describe(v.origin()), p.reason(), "")
                    : new Problem(key, p.value() == null ? "" : String.valueOf(p.value()), "", p.reason(), "");
        }
        ConfigValue name = valueAt(group + ".name");
        String why = fault.cause().getMessage() == null ? fault.cause().toString() : fault.cause().getMessage();
        return new Problem(group + ".name", name == null ? "" : name.render(),
                name == null ? "" : Origins.describe(name.origin()),
                "cannot be set up with these parameters: " + why, "");
    }

    private ConfigValue valueAt(String key) {
        try {
            return config.hasPath(key) ? config.getValue(key) : null;
        } catch (ConfigException e) {
            return null;
        }
    }

    private void checkKeys(Set<String> valid) {
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            String key = e.getKey();
            List<String> parts = ConfigUtil.splitPath(key);
            if (parts.size() >= 2 && parts.get(0).equals("experiment") && parts.get(1).equals("sweep")) {
                continue;
            }
            if (valid.contains(key) || added.contains(key)) {
                continue;
            }
            problems.add(new Problem(key, e.getValue().render(), Origins.describe(e.getValue().origin()),
                    "unknown key", Suggest.nearest(key, valid)));
        }
        if (config.hasPath("experiment.sweep")) {
            try {
                for (String k : config.getConfig("experiment.sweep").root().keySet()) {
                    if (!valid.contains(k)) {
                        ConfigValue v = config.getConfig("experiment.sweep").root().get(k);
                        problems.add(new Problem("experiment.sweep." + ConfigUtil.quoteString(k), v.render(),
                                Origins.describe(v.origin()), "sweeps an unknown key '" + k + "'",
                                Suggest.nearest(k, valid)));
                    }
                }
            } catch (ConfigException e) {
                problem("experiment.sweep", "must be an object of key = [values]");
            }
        }
    }

    private RunConfig.Experiment experiment() {
        String name = string("experiment.name");
        String description = string("experiment.description");
        boolean theory = bool("experiment.theory");
        boolean grids = bool("experiment.grids");
        return name == null ? null : new RunConfig.Experiment(name, description == null ? "" : description, theory,
                grids);
    }

    private RunConfig.Component component(String group) {
        Registry.Kind kind = Composer.GROUPS.get(group);
        String name = string(group + ".name");
        if (name == null) {
            return null;
        }
        List<String> names = composer.registry().names(kind);
        if (!names.contains(name)) {
            ConfigValue v = config.getValue(group + ".name");
            problems.add(new Problem(group + ".name", v.render(), Origins.describe(v.origin()), "unknown "
                    + kind.path() + "; available: " + String.join(", ", names), Suggest.nearest(name, names)));
            return null;
        }
        Config defaults = composer.registry().defaults(kind, name);
        Config block = config.getConfig(group).withoutPath("name");
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : block.entrySet()) {
            String key = e.getKey();
            ConfigValue value = e.getValue();
            if (defaults.hasPath(key)) {
                ConfigValue d = defaults.getValue(key);
                String expected = typeMismatch(d, value);
                if (expected != null) {
                    problems.add(new Problem(group + "." + key, value.render(), Origins.describe(value.origin()),
                            "must be " + expected + " (the default is " + d.render() + ")", ""));
                    continue;
                }
            }
        }
        for (Map.Entry<String, ConfigValue> e : block.root().entrySet()) {
            params.put(e.getKey(), bound(group + "." + e.getKey(), e.getValue()));
        }
        return new RunConfig.Component(group, name, params);
    }

    /**
     * A configuration value as a parameter value: objects, also inside lists, become {@link Params} that keep their
     * dotted path and {@code file:line}, so a component's error can say where a bad node or array was written.
     */
    static Object bound(String path, ConfigValue value) {
        if (value instanceof ConfigObject object) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
                values.put(e.getKey(), bound(path + "." + e.getKey(), e.getValue()));
            }
            return new Params(path, values, Origins.describe(object.origin()));
        }
        if (value instanceof ConfigList list && list.stream().anyMatch(ConfigObject.class::isInstance)) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(bound(path + "[" + i + "]", list.get(i)));
            }
            return out;
        }
        return value.unwrapped();
    }

    /** Null when {@code value} has the type of {@code def}, else the expected type in words. */
    private static String typeMismatch(ConfigValue def, ConfigValue value) {
        ConfigValueType t = def.valueType();
        Object d = def.unwrapped();
        Object v = value.unwrapped();
        switch (t) {
            case NUMBER:
                if (v instanceof String s) {
                    try {
                        Double.parseDouble(s);
                        return null;
                    } catch (NumberFormatException e) {
                        return d instanceof Integer || d instanceof Long ? "an integer" : "a number";
                    }
                }
                if (!(v instanceof Number n)) {
                    return "a number";
                }
                if ((d instanceof Integer || d instanceof Long) && n.doubleValue() != Math.rint(n.doubleValue())) {
                    return "an integer";
                }
                return null;
            case BOOLEAN:
                return v instanceof Boolean || "true".equals(v) || "false".equals(v) ? null : "true or false";
            case LIST:
                return value.valueType() == ConfigValueType.LIST ? null : "a list";
            case OBJECT:
                return value.valueType() == ConfigValueType.OBJECT ? null : "an object";
            case STRING:
                return value.valueType() == ConfigValueType.STRING || value.valueType() == ConfigValueType.NUMBER
                        || value.valueType() == ConfigValueType.BOOLEAN ? null : "a string";
            default:
                return null;
        }
    }

    private TrainerSettings trainer() {
        String method = oneOf("trainer.method", List.copyOf(new TreeSet<>(METHODS.keySet())));
        int epochs = integer("trainer.epochs", 0);
        double lr = number("trainer.learning-rate", 0, true);
        double momentum = number("trainer.momentum", 0, false);
        if (momentum >= 1) {
            problem("trainer.momentum", "must be in [0, 1)");
        }
        int batch = integer("trainer.batch-size", 1);
        int every = integer("trainer.measure-every", 1);
        double tol = number("trainer.flow-tolerance", 0, true);
        if (tol >= 1) {
            problem("trainer.flow-tolerance", "must be in (0, 1)");
        }
        List<String> edges = stringList("trainer.tracked-edges");
        int sv = integer("trainer.singular-values", 0);
        String gradient = oneOf("trainer.gradient", List.of("samples", "statistics"));
        if ("statistics".equals(gradient) && "sgd".equals(method)) {
            problem("trainer.gradient", "needs trainer.method = full-batch or gradient-flow (minibatches are "
                    + "sample-based), trainer.method is sgd");
        }
        if (method == null || gradient == null || !problems.isEmpty()) {
            return null;
        }
        try {
            return new TrainerSettings(METHODS.get(method), epochs, lr, momentum, batch, every, tol, edges, sv,
                    TrainerSettings.Gradient.valueOf(gradient.toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problem("trainer", e.getMessage());
            return null;
        }
    }

    // ---- typed getters: each records a problem and returns a neutral value on failure ----

    private void problem(String path, String message) {
        if (config.hasPath(path) && config.getValue(path).valueType() != ConfigValueType.OBJECT) {
            ConfigValue v = config.getValue(path);
            problems.add(new Problem(path, v.render(), Origins.describe(v.origin()), message, ""));
        } else {
            problems.add(new Problem(path, "", "", message, ""));
        }
    }

    private boolean present(String path) {
        if (!config.hasPath(path)) {
            problems.add(new Problem(path, "", "", "missing (no default either)", ""));
            return false;
        }
        return true;
    }

    private String string(String path) {
        if (!present(path)) {
            return null;
        }
        try {
            return config.getString(path);
        } catch (ConfigException.WrongType e) {
            problem(path, "must be a string");
            return null;
        }
    }

    private String oneOf(String path, List<String> allowed) {
        String s = string(path);
        if (s == null) {
            return null;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            ConfigValue v = config.getValue(path);
            problems.add(new Problem(path, v.render(), Origins.describe(v.origin()), "must be one of "
                    + String.join(", ", allowed), Suggest.nearest(lower, allowed)));
            return null;
        }
        return lower;
    }

    /** {@code auto} (0) or a number of steps >= 1. */
    private int encoderWindow(String path) {
        if (!present(path)) {
            return 0;
        }
        String s = config.getValue(path).unwrapped().toString();
        try {
            return io.github.gdln.kpath.KPathRun.Settings.encoderWindow(s, path);
        } catch (IllegalArgumentException e) {
            ConfigValue v = config.getValue(path);
            problems.add(new Problem(path, v.render(), Origins.describe(v.origin()),
                    "must be auto or a number of steps >= 1", ""));
            return 0;
        }
    }

    private boolean bool(String path) {
        if (!present(path)) {
            return false;
        }
        try {
            return config.getBoolean(path);
        } catch (ConfigException.WrongType e) {
            problem(path, "must be true or false");
            return false;
        }
    }

    private int integer(String path, int min) {
        if (!present(path)) {
            return min;
        }
        try {
            ConfigValue v = config.getValue(path);
            if (v.valueType() != ConfigValueType.NUMBER && v.valueType() != ConfigValueType.STRING) {
                throw new ConfigException.WrongType(v.origin(), "");
            }
            double d = config.getDouble(path);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                problem(path, "must be an integer");
                return min;
            }
            if (d < min) {
                problem(path, "must be >= " + min);
                return min;
            }
            return (int) d;
        } catch (ConfigException.WrongType e) {
            problem(path, "must be an integer");
            return min;
        }
    }

    private long longValue(String path) {
        if (!present(path)) {
            return 0;
        }
        try {
            return config.getLong(path);
        } catch (ConfigException.WrongType e) {
            problem(path, "must be an integer");
            return 0;
        }
    }

    private double number(String path, double min, boolean exclusive) {
        if (!present(path)) {
            return 1;
        }
        try {
            double d = config.getDouble(path);
            if (!Double.isFinite(d) || (exclusive ? d <= min : d < min)) {
                problem(path, "must be a finite number " + (exclusive ? "> " : ">= ") + fmt(min));
                return 1;
            }
            return d;
        } catch (ConfigException.WrongType e) {
            problem(path, "must be a number");
            return 1;
        }
    }

    private List<String> stringList(String path) {
        if (!present(path)) {
            return List.of();
        }
        try {
            return config.getStringList(path);
        } catch (ConfigException.WrongType e) {
            problem(path, "must be a list of names, e.g. [enc0, shared1]");
            return List.of();
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
