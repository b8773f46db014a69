package io.github.gdln.cli.launch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.ConfigProblems;
import io.github.gdln.cli.config.Origins;
import io.github.gdln.cli.config.Problem;
import io.github.gdln.cli.config.Suggest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where sweep points run: the {@code launcher} group, defaults in gdln-cli's {@code reference.conf}
 * ({@code gdln.cli.launcher}), layered under a {@code launcher { }} block of the user's file and
 * {@code launcher=slurm} / {@code launcher.<key>=<value>} on the command line. It is not part of a run's
 * configuration: the run's {@code config.conf} never holds it, so a point's numbers cannot depend on where it ran.
 *
 * @param name             {@code local} or {@code slurm}
 * @param partition        sbatch {@code --partition}, or empty
 * @param time             sbatch {@code --time} per point
 * @param cpusPerTask      sbatch {@code --cpus-per-task}; the task's {@code OMP_NUM_THREADS}
 * @param mem              sbatch {@code --mem}, or empty
 * @param gres             sbatch {@code --gres}, or empty
 * @param account          sbatch {@code --account}, or empty
 * @param qos              sbatch {@code --qos}, or empty
 * @param arrayParallelism the array's {@code %} throttle, 0 for none
 * @param signalSeconds    seconds before the time limit at which the task is signalled, 0 for none
 * @param requeue          whether a task stopped by that signal is requeued
 * @param jobName          the job name, or empty for {@code gdln-<experiment>}
 * @param extraSbatch      more sbatch options
 * @param setup            shell lines run before gdln
 * @param java             the java command, or empty for the running JVM's
 * @param jvmOptions       the tasks' JVM options
 * @param slurmBin         the folder of the SLURM commands, or empty for the PATH
 */
public record LauncherSettings(String name, String partition, String time, int cpusPerTask, String mem, String gres,
                               String account, String qos, int arrayParallelism, int signalSeconds, boolean requeue,
                               String jobName, List<String> extraSbatch, List<String> setup, String java,
                               List<String> jvmOptions, String slurmBin) {
    /** The group's key in configuration files and on the command line. */
    public static final String GROUP = "launcher";
    /** The launcher names. */
    public static final List<String> NAMES = List.of("local", "slurm");
    private static final String DEFAULTS = "gdln.cli.launcher";
    /** SLURM's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
    private static final Pattern TIME = Pattern.compile("\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}");
    private static final Pattern MEM = Pattern.compile("|\\d+[KMGTkmgt]?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:,=+/@%-]*");

    /** Whether {@code key} (of a {@code key=value} argument) belongs to this group. */
    public static boolean isLauncherKey(String key) {
        return key.equals(GROUP) || key.startsWith(GROUP + ".");
    }

    /** The defaults (reference.conf). */
    public static Config defaults() {
        return ConfigFactory.defaultReference(LauncherSettings.class.getClassLoader()).getConfig(DEFAULTS);
    }

    /**
     * The group's layer of {@code key=value} arguments: {@code launcher=slurm} names the launcher,
     * {@code launcher.partition=gpu} sets a key. Keys are given with the {@code launcher.} prefix.
     */
    public static Config layer(List<Assignment> overrides) {
        Config c = ConfigFactory.empty();
        for (Assignment o : overrides) {
            String key = o.key().equals(GROUP) ? GROUP + ".name" : o.key();
            ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription(Origins.COMMAND_LINE);
            Config one;
            try {
                one = ConfigFactory.parseString(key + " = " + (o.value().isEmpty() ? "\"\"" : o.value()), options);
            } catch (ConfigException e) {
                // not HOCON (a time such as 2-00:00:00, a path): the text itself
                try {
                    one = ConfigFactory.parseString(key + " = " + ConfigValueFactory.fromAnyRef(o.value())
                            .render(), options);
                } catch (ConfigException bad) {
                    throw new ConfigProblems(new Problem(o.key(), o.value(), Origins.COMMAND_LINE,
                            "cannot parse: " + bad.getMessage(), ""));
                }
            }
            c = one.withFallback(c);
        }
        return c;
    }

    /**
     * Binds the group: {@code layers} (each holding a {@code launcher} object, highest first) over the defaults,
     * validated; every problem is thrown together, as for a run's configuration.
     */
    public static LauncherSettings bind(List<Config> layers) {
        Config merged = ConfigFactory.empty();
        for (Config layer : layers) {
            merged = merged.withFallback(layer);
        }
        Config given = merged.hasPath(GROUP) ? merged.getConfig(GROUP) : ConfigFactory.empty();
        Config defaults = defaults();
        List<Problem> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : given.entrySet()) {
            if (!defaults.hasPath(e.getKey())) {
                problems.add(new Problem(GROUP + "." + e.getKey(), e.getValue().render(),
                        Origins.describe(e.getValue().origin()), "unknown launcher key",
                        Suggest.nearest(e.getKey(), defaults.root().keySet()).isEmpty() ? ""
                                : GROUP + "." + Suggest.nearest(e.getKey(), defaults.root().keySet())));
            }
        }
        Config c = given.withFallback(defaults);
        Reader r = new Reader(c, problems);
        LauncherSettings s = new LauncherSettings(
                r.choice("name", NAMES), r.word("partition"), r.matching("time", TIME, "a SLURM time: minutes,"
                        + " MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"), r.atLeast("cpus-per-task", 1),
                r.matching("mem", MEM, "a size such as 4G or 500M, or \"\" for the cluster's default"),
                r.word("gres"), r.word("account"), r.word("qos"), r.atLeast("array-parallelism", 0),
                r.atLeast("signal-seconds", 0), r.bool("requeue"), r.word("job-name"), r.lines("extra-sbatch"),
                r.lines("setup"), r.line("java"), r.lines("jvm-options"), r.line("slurm-bin"));
        for (String option : s.extraSbatch) {
            String o = option.startsWith("#SBATCH") ? option.substring(7).strip() : option;
            if (!o.startsWith("-")) {
                problems.add(new Problem(GROUP + ".extra-sbatch", option, r.origin("extra-sbatch"),
                        "each entry must be an sbatch option such as --constraint=avx2", ""));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return s;
    }

    /** The sbatch options as {@code #SBATCH} line bodies (the array and the output file excluded). */
    public List<String> sbatchOptions(String defaultJobName) {
        List<String> o = new ArrayList<>();
        o.add("--job-name=" + (jobName.isEmpty() ? defaultJobName : jobName));
        o.add("--time=" + time);
        o.add("--cpus-per-task=" + cpusPerTask);
        o.add("--ntasks=1");
        add(o, "--mem=", mem);
        add(o, "--partition=", partition);
        add(o, "--gres=", gres);
        add(o, "--account=", account);
        add(o, "--qos=", qos);
        if (signalSeconds > 0) {
            o.add("--signal=B:USR1@" + signalSeconds);
        }
        o.add(requeue ? "--requeue" : "--no-requeue");
        for (String e : extraSbatch) {
            o.add(e.startsWith("#SBATCH") ? e.substring(7).strip() : e);
        }
        return o;
    }

    /** The group as HOCON (stored in the sweep folder, so that {@code resubmit} uses the same settings). */
    public String render() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", name);
        m.put("partition", partition);
        m.put("time", time);
        m.put("cpus-per-task", cpusPerTask);
        m.put("mem", mem);
        m.put("gres", gres);
        m.put("account", account);
        m.put("qos", qos);
        m.put("array-parallelism", arrayParallelism);
        m.put("signal-seconds", signalSeconds);
        m.put("requeue", requeue);
        m.put("job-name", jobName);
        m.put("extra-sbatch", extraSbatch);
        m.put("setup", setup);
        m.put("java", java);
        m.put("jvm-options", jvmOptions);
        m.put("slurm-bin", slurmBin);
        return ConfigFactory.parseMap(Map.of(GROUP, m)).root().render(ConfigRenderOptions.defaults()
                .setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
    }

    private static void add(List<String> o, String option, String value) {
        if (!value.isEmpty()) {
            o.add(option + value);
        }
    }

    /** Reads typed values, collecting problems instead of failing at the first. */
    private record Reader(Config c, List<Problem> problems) {
        String origin(String key) {
            return Origins.describe(c.getValue(key).origin());
        }

        private void problem(String key, String message) {
            problems.add(new Problem(GROUP + "." + key, c.getValue(key).render(), origin(key), message, ""));
        }

        String line(String key) {
            ConfigValue v = c.getValue(key);
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
                    || v.valueType() == ConfigValueType.NULL) {
                problem(key, "expected a string");
                return "";
            }
            String s = String.valueOf(v.unwrapped());
            if (s.contains("\n")) {
                problem(key, "must be one line");
                return "";
            }
            return s;
        }

        String word(String key) {
            String s = line(key);
            if (!WORD.matcher(s).matches()) {
                problem(key, "must not contain spaces, quotes or shell characters");
                return "";
            }
            return s;
        }

        String matching(String key, Pattern p, String expected) {
            String s = line(key);
            if (!p.matcher(s).matches()) {
                problem(key, "expected " + expected);
                return "";
            }
            return s;
        }

        String choice(String key, List<String> allowed) {
            String s = line(key);
            if (!allowed.contains(s)) {
                problems.add(new Problem(GROUP + "." + key, c.getValue(key).render(), origin(key),
                        "unknown launcher; available: " + String.join(", ", allowed), Suggest.nearest(s, allowed)));
            }
            return s;
        }

        int atLeast(String key, int min) {
            try {
                int v = c.getInt(key);
                if (v < min) {
                    problem(key, "must be >= " + min);
                }
                return v;
            } catch (ConfigException e) {
                problem(key, "expected an integer");
                return min;
            }
        }

        boolean bool(String key) {
            try {
                return c.getBoolean(key);
            } catch (ConfigException e) {
                problem(key, "expected true or false");
                return false;
            }
        }

        List<String> lines(String key) {
            try {
                List<String> l = c.getStringList(key);
                for (String s : l) {
                    if (s.contains("\n")) {
                        problem(key, "each entry must be one line");
                    }
                }
                return List.copyOf(l);
            } catch (ConfigException e) {
                problem(key, "expected a list of strings, e.g. [\"a\", \"b\"]");
                return List.of();
            }
        }
    }
}
