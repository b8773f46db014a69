package io.github.gdln.cli.plugins;

import io.github.gdln.api.Architecture;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Task;
import io.github.gdln.cli.config.Experiments;
import io.github.gdln.core.Registry;
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
 * Loads the plugin jars of a folder with PF4J and registers what they ship: tasks, gating schemes and
 * architectures listed in the jar's {@code META-INF/services} (read with {@link ServiceLoader} over the plugin's
 * class loader; only classes the plugin itself defines count), and experiments under {@code experiments/*.conf}.
 * Each jar is loaded on its own: a broken jar (unreadable, no {@code Plugin-Id}, a class that does not load, a
 * duplicate name) is reported by name and the others still load.
 */
public final class PluginLoader {
    private PluginLoader() {
    }

    /**
     * Loads every {@code *.jar} in {@code folder} (sorted by name) into {@code registry} and {@code experiments}.
     *
     * @param folder        the plugin folder; a missing folder means no plugins
     * @param systemVersion gdln's version, checked against each plugin's {@code Plugin-Requires}
     * @return one entry per jar
     */
    public static List<PluginInfo> load(Path folder, String systemVersion, Registry registry, Experiments experiments) {
        List<PluginInfo> infos = new ArrayList<>();
        if (folder == null || !Files.isDirectory(folder)) {
            return infos;
        }
        List<Path> jars;
        try (Stream<Path> s = Files.list(folder)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            infos.add(new PluginInfo(folder.toString(), "", folder, "failed", "cannot list the folder: " + e, List.of()));
            return infos;
        }
        if (jars.isEmpty()) {
            return infos;
        }
        PluginManager pm = new DefaultPluginManager(folder);
        pm.setSystemVersion(systemVersion.replace("-SNAPSHOT", ""));
        for (Path jar : jars) {
            infos.add(loadOne(pm, jar, registry, experiments));
        }
        return infos;
    }

    private static PluginInfo loadOne(PluginManager pm, Path jar, Registry registry, Experiments experiments) {
        String name = jar.getFileName().toString();
        String id;
        try {
            id = pm.loadPlugin(jar);
        } catch (RuntimeException e) {
            return new PluginInfo(name, "", jar, "failed", "not loaded: " + message(e), List.of());
        }
        if (id == null) {
            return new PluginInfo(name, "", jar, "failed", "not loaded (PF4J found no plugin in it)", List.of());
        }
        PluginWrapper w = pm.getPlugin(id);
        String version = w.getDescriptor().getVersion();
        try {
            PluginState state = pm.startPlugin(id);
            if (state != PluginState.STARTED) {
                Throwable t = w.getFailedException();
                return new PluginInfo(id, version, jar, "failed", "not started (" + state + ")"
                        + (t != null ? ": " + message(t) : ""), List.of());
            }
        } catch (RuntimeException e) {
            return new PluginInfo(id, version, jar, "failed", "not started: " + message(e), List.of());
        }
        PluginInfo probe = new PluginInfo(id, version, jar, "started", "", List.of());
        ClassLoader loader = w.getPluginClassLoader();
        List<String> components = new ArrayList<>();
        try {
            // collect first, then register, so a broken jar registers nothing
            List<Object[]> found = new ArrayList<>();
            for (Task t : ServiceLoader.load(Task.class, loader)) {
                if (t.getClass().getClassLoader() == loader) {
                    found.add(new Object[] {Registry.Kind.TASK, t.name(), t});
                }
            }
            for (GatingScheme g : ServiceLoader.load(GatingScheme.class, loader)) {
                if (g.getClass().getClassLoader() == loader) {
                    found.add(new Object[] {Registry.Kind.GATING, g.name(), g});
                }
            }
            for (Architecture a : ServiceLoader.load(Architecture.class, loader)) {
                if (a.getClass().getClassLoader() == loader) {
                    found.add(new Object[] {Registry.Kind.ARCHITECTURE, a.name(), a});
                }
            }
            for (Object[] f : found) {
                Registry.Kind kind = (Registry.Kind) f[0];
                if (registry.names(kind).contains((String) f[1])) {
                    throw new IllegalStateException("it ships " + kind.path() + " '" + f[1] + "', a name already"
                            + " taken");
                }
            }
            for (Object[] f : found) {
                Registry.Kind kind = (Registry.Kind) f[0];
                registry.add(kind, (String) f[1], f[2], probe.origin(), loader);
                components.add(kind.path() + " " + f[1]);
            }
            experiments.addJar(jar, probe.origin(), loader);
        } catch (ServiceConfigurationError | RuntimeException | IOException | LinkageError e) {
            return new PluginInfo(id, version, jar, "failed", "components not registered: " + message(e),
                    components);
        }
        return new PluginInfo(id, version, jar, "started", "", components);
    }

    private static String message(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null
                ? m + " (" + t.getCause().getMessage() + ")" : m;
    }
}
