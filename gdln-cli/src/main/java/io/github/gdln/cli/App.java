package io.github.gdln.cli;

import io.github.gdln.cli.config.Composer;
import io.github.gdln.cli.config.Experiments;
import io.github.gdln.cli.plugins.PluginInfo;
import io.github.gdln.cli.plugins.PluginLoader;
import io.github.gdln.cli.run.AtomicFiles;
import io.github.gdln.cli.run.Interrupts;
import io.github.gdln.cli.theory.TheoryOverlay;
import io.github.gdln.core.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What every command works with: the registry of components (built-ins and plugins), the experiments, the
 * composer, the console streams and the interrupt flag. Built once per invocation, after the global options are
 * parsed.
 *
 * @param registry    tasks, gating schemes and architectures
 * @param experiments the shipped and plugin experiments
 * @param plugins     the plugin jars found, loaded or not
 * @param pluginDir   the plugin folder used (may not exist)
 * @param composer    configuration composition
 * @param theory      theory predictions for overlays and {@code compare}
 * @param out         standard output
 * @param err         standard error
 * @param terminal    whether output goes to a terminal (progress bars) or not (plain lines)
 * @param interrupts  Ctrl-C/kill handling
 * @param args        the command line as given (for provenance)
 */
public record App(Registry registry, Experiments experiments, List<PluginInfo> plugins, Path pluginDir,
                  Composer composer, TheoryOverlay theory, PrintStream out, PrintStream err, boolean terminal,
                  Interrupts interrupts, List<String> args) {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(App.class);

    /** Loads the built-ins and the plugins of {@code pluginDir}. */
    public static App create(Path pluginDir, PrintStream out, PrintStream err, boolean terminal, List<String> args) {
        return create(pluginDir, out, err, terminal, args, false);
    }

    /** The file, in a plugin folder, that holds the stack traces of the jars there that failed at the last start. */
    public static final String PLUGIN_LOG = "plugin-errors.log";

    /**
     * Loads the built-ins and the plugins of {@code pluginDir}; each plugin jar that fails is one line on
     * {@code err} naming the jar and the cause. When the cause is an exception, its stack trace goes to
     * {@value #PLUGIN_LOG} in the jar's folder (rewritten at each start) and, when {@code verbose}, to {@code err}.
     */
    public static App create(Path pluginDir, PrintStream out, PrintStream err, boolean terminal, List<String> args,
                             boolean verbose) {
        ClassLoader loader = App.class.getClassLoader();
        Registry registry = Registry.builtIn(loader);
        Experiments experiments = Experiments.builtIn(loader);
        List<Path> folders = new java.util.ArrayList<>();
        folders.add(pluginDir);
        bundledPlugins().ifPresent(folders::add);
        List<PluginInfo> plugins = PluginLoader.load(folders, version(), registry, experiments);
        Map<Path, StringWriter> traces = new LinkedHashMap<>();
        for (PluginInfo p : plugins) {
            if (!p.ok()) {
                String line = "plugin " + p.jar().getFileName() + " skipped: " + p.error();
                if (p.cause() == null) {
                    err.println("gdln: " + line);
                    continue;
                }
                Path log = p.jar().resolveSibling(PLUGIN_LOG);
                err.println("gdln: " + line + " (stack trace: gdln -v, or " + log + ")");
                PrintWriter w = new PrintWriter(traces.computeIfAbsent(log, f -> new StringWriter()));
                w.println(line);
                p.cause().printStackTrace(w);
                w.flush();
                LOG.debug("plugin {} skipped", p.jar(), p.cause());
                if (verbose) {
                    p.cause().printStackTrace(err);
                }
            }
        }
        traces.forEach((log, text) -> {
            try {
                AtomicFiles.writeAtomically(log, text.toString());
            } catch (IOException e) {
                LOG.debug("cannot write {}", log, e); // a read-only plugin folder: gdln -v still shows the traces
            }
        });
        return new App(registry, experiments, List.copyOf(plugins), pluginDir, Composer.of(registry),
                TheoryOverlay.available(), out, err, terminal, new Interrupts(), List.copyOf(args));
    }

    /** The system property naming the folder of the plugins built with gdln (set by {@code scripts/gdln}). */
    public static final String BUNDLED_PLUGINS = "gdln.bundled.plugins";

    /**
     * The folder of the plugins that ship with gdln (mnist-routing, cifar-transfer): the system property
     * {@value #BUNDLED_PLUGINS}, which {@code scripts/gdln} sets to {@code gdln-cli/target/bundled-plugins} after
     * copying the built plugin jars there. Loaded after the user's plugin folder; a plugin id found in the user's
     * folder shadows the bundled one.
     */
    public static java.util.Optional<Path> bundledPlugins() {
        String p = System.getProperty(BUNDLED_PLUGINS);
        return p == null || p.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(p));
    }

    /** gdln's version, from the jar's Maven metadata ({@code dev} when run from classes). */
    public static String version() {
        try (InputStream in = App.class.getResourceAsStream(
                "/META-INF/maven/io.github.gdln/gdln-cli/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through
        }
        String v = App.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
