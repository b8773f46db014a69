package io.github.gdln.plugins.it;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * What the application must do to load plugin jars (a reference for the CLI's loader, used by these tests): every
 * jar of a folder is loaded on its own with a PF4J {@link DefaultPluginManager}, so one bad jar (bad manifest,
 * missing class, incompatible {@code Plugin-Requires}) yields an error naming that jar and the others still load.
 * Extensions are found with {@link ServiceLoader} over each plugin's class loader ({@code META-INF/services} in the
 * jar), keeping only providers whose class the plugin itself defines (the plugin class loader also sees the host's
 * services).
 */
final class PluginHost {

    /** A loaded, started plugin and the components it contributes. */
    record Loaded(String id, String version, Path jar, ClassLoader loader, List<Task> tasks,
                  List<GatingScheme> gatings, List<Architecture> architectures) {
    }

    /** The outcome: the plugins that loaded and one message per jar that did not. */
    record Report(PluginManager manager, List<Loaded> plugins, List<String> errors) {
        Loaded plugin(String id) {
            return plugins.stream().filter(p -> p.id().equals(id)).findFirst()
                    .orElseThrow(() -> new AssertionError("plugin " + id + " not loaded; errors: " + errors));
        }
    }

    private PluginHost() {
    }

    /** Loads every {@code *.jar} of {@code folder} for an application of version {@code systemVersion}. */
    static Report load(Path folder, String systemVersion) throws IOException {
        DefaultPluginManager pm = new DefaultPluginManager(folder);
        pm.setSystemVersion(systemVersion);
        pm.setExactVersionAllowed(false);
        List<Loaded> loaded = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> s = Files.list(folder)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            String id;
            try {
                id = pm.loadPlugin(jar);
            } catch (RuntimeException e) {
                errors.add("plugin jar " + name + ": cannot load: " + rootMessage(e));
                continue;
            }
            PluginWrapper w = pm.getPlugin(id);
            String version = w.getDescriptor().getVersion();
            try {
                pm.getVersionManager().compareVersions(version, "0.0.0");
            } catch (RuntimeException e) {
                errors.add("plugin jar " + name + ": plugin " + id + " has Plugin-Version '" + version
                        + "', which is not a semantic version (like 1.2.0)");
                pm.unloadPlugin(id);
                continue;
            }
            String requires = w.getDescriptor().getRequires();
            if (!pm.getVersionManager().checkVersionConstraint(systemVersion, requires)) {
                errors.add("plugin jar " + name + ": plugin " + id + " " + w.getDescriptor().getVersion()
                        + " requires gdln " + requires + ", but this is gdln " + systemVersion);
                pm.unloadPlugin(id);
                continue;
            }
            PluginState state;
            try {
                state = pm.startPlugin(id);
            } catch (RuntimeException e) {
                // PF4J 3.13 throws a NullPointerException when Plugin-Class names a class that cannot be loaded
                String pc = w.getDescriptor().getPluginClass();
                errors.add("plugin jar " + name + ": plugin " + id + " did not start"
                        + (pc != null && !pc.isBlank() ? ": its Plugin-Class " + pc + " cannot be loaded or instantiated"
                        : ": " + rootMessage(e)));
                pm.unloadPlugin(id);
                continue;
            }
            if (state != PluginState.STARTED) {
                Throwable t = w.getFailedException();
                errors.add("plugin jar " + name + ": plugin " + id + " did not start (" + state + ")"
                        + (t != null ? ": " + rootMessage(t) : ""));
                pm.unloadPlugin(id);
                continue;
            }
            ClassLoader cl = w.getPluginClassLoader();
            try {
                loaded.add(new Loaded(id, w.getDescriptor().getVersion(), jar, cl, own(Task.class, cl),
                        own(GatingScheme.class, cl), own(Architecture.class, cl)));
            } catch (ServiceConfigurationError | LinkageError e) {
                errors.add("plugin jar " + name + ": plugin " + id + " lists an extension that cannot be loaded: "
                        + rootMessage(e));
                pm.stopPlugin(id);
                pm.unloadPlugin(id);
            }
        }
        return new Report(pm, loaded, errors);
    }

    /** Providers of {@code type} defined by the plugin's own class loader (not the host's built-ins). */
    static <T> List<T> own(Class<T> type, ClassLoader cl) {
        return ServiceLoader.load(type, cl).stream()
                .filter(p -> p.type().getClassLoader() == cl)
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" (").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }
}
