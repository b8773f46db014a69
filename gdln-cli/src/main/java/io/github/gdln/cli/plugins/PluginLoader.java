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
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads the plugin jars of a folder with PF4J and registers what they ship: tasks, gating schemes and
 * architectures listed in the jar's {@code META-INF/services} (read with {@link ServiceLoader} over the plugin's
 * class loader; only classes the plugin itself defines count), and experiments under {@code experiments/*.conf}.
 *
 * <p>Each jar is loaded on its own, and every failure is one error naming the jar while the others still load:
 * unreadable jar or bad manifest (no {@code Plugin-Id}, the same id twice), a {@code Plugin-Version} that is not a
 * semantic version, a {@code Plugin-Requires} this gdln version does not satisfy (checked here, naming the required
 * and the actual version), a {@code Plugin-Class} that cannot be loaded (PF4J 3.13 throws a
 * {@code NullPointerException} from {@code startPlugin}), a services entry naming a missing class, a component
 * name already taken. A jar that cannot be opened, or whose manifest names no plugin, is reported before PF4J sees it
 * (PF4J would log its own stack trace and then fail with a vaguer message; the application turns PF4J's logging
 * off, see {@code simplelogger.properties}). Each failure keeps its exception for {@code gdln -v}. The one
 * implementation: the application uses {@link #load}, the plugin integration tests
 * ({@code gdln-plugins/plugin-tests}) use {@link #scan}.
 */
public final class PluginLoader {
    /**
     * A started plugin and the components it defines.
     *
     * @param id            {@code Plugin-Id}
     * @param version       {@code Plugin-Version}
     * @param jar           the jar
     * @param loader        the plugin's class loader
     * @param tasks         tasks it defines
     * @param gatings       gating schemes it defines
     * @param architectures architectures it defines
     */
    public record Loaded(String id, String version, Path jar, ClassLoader loader, List<Task> tasks,
                         List<GatingScheme> gatings, List<Architecture> architectures) {
    }

    /**
     * The outcome of scanning one folder.
     *
     * @param manager  the PF4J plugin manager holding the started plugins
     * @param plugins  the plugins that started
     * @param failures one entry per jar that did not (state {@code failed}) or was shadowed (state
     *                 {@code shadowed}: its id was already loaded from an earlier folder)
     */
    public record Scan(PluginManager manager, List<Loaded> plugins, List<PluginInfo> failures) {
        /** One line per failed jar: {@code plugin jar <file>: <why>}. */
        public List<String> errors() {
            return failures.stream().filter(f -> !f.ok())
                    .map(f -> "plugin jar " + f.jar().getFileName() + ": " + f.error()).toList();
        }

        /** The started plugin {@code id}. */
        public Loaded plugin(String id) {
            return plugins.stream().filter(p -> p.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("plugin " + id + " not loaded; errors: "
                            + errors()));
        }
    }

    private PluginLoader() {
    }

    /**
     * Loads every {@code *.jar} of each folder (in order; a folder's jars sorted by name) into {@code registry} and
     * {@code experiments}. A plugin id loaded from an earlier folder shadows the same id in a later one (so a user's
     * {@code plugins/} folder overrides the bundled plugins).
     *
     * @param folders       the plugin folders; missing folders mean no plugins
     * @param systemVersion gdln's version, checked against each plugin's {@code Plugin-Requires}
     * @return one entry per jar
     */
    public static List<PluginInfo> load(List<Path> folders, String systemVersion, Registry registry,
                                        Experiments experiments) {
        List<PluginInfo> infos = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Path folder : folders) {
            if (folder == null || !Files.isDirectory(folder)) {
                continue;
            }
            Scan scan;
            try {
                scan = scan(folder, systemVersion, taken);
            } catch (IOException e) {
                infos.add(new PluginInfo(folder.toString(), "", folder, "failed", "cannot list the folder: " + e,
                        List.of()));
                continue;
            }
            infos.addAll(scan.failures());
            for (Loaded p : scan.plugins()) {
                infos.add(register(p, registry, experiments));
                taken.add(p.id());
            }
        }
        return infos;
    }

    /** Loads {@code folder} with {@link #load} semantics; convenience for one folder. */
    public static List<PluginInfo> load(Path folder, String systemVersion, Registry registry,
                                        Experiments experiments) {
        return load(folder == null ? List.of() : List.of(folder), systemVersion, registry, experiments);
    }

    /**
     * Loads and starts every {@code *.jar} of {@code folder} with one PF4J manager, checking each jar as described
     * in the class comment; registers nothing.
     *
     * @param taken plugin ids already loaded elsewhere: such jars are unloaded and reported as {@code shadowed}
     */
    public static Scan scan(Path folder, String systemVersion, Set<String> taken) throws IOException {
        String system = systemVersion.replace("-SNAPSHOT", "");
        List<Path> jars;
        try (Stream<Path> s = Files.list(folder)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        DefaultPluginManager pm = new DefaultPluginManager(folder);
        pm.setSystemVersion(system);
        pm.setExactVersionAllowed(false);
        List<Loaded> loaded = new ArrayList<>();
        List<PluginInfo> failures = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            PluginInfo unreadable = readable(name, jar);
            if (unreadable != null) {
                failures.add(unreadable);
                continue;
            }
            String id;
            try {
                id = pm.loadPlugin(jar);
            } catch (RuntimeException e) {
                failures.add(failed(name, "", jar, "cannot load: " + rootMessage(e), e));
                continue;
            }
            if (id == null) {
                failures.add(failed(name, "", jar, "cannot load: PF4J found no plugin in it"));
                continue;
            }
            PluginWrapper w = pm.getPlugin(id);
            String version = w.getDescriptor().getVersion();
            if (taken.contains(id)) {
                pm.unloadPlugin(id);
                failures.add(new PluginInfo(id, version, jar, "shadowed", "", List.of()));
                continue;
            }
            try {
                pm.getVersionManager().compareVersions(version, "0.0.0");
            } catch (RuntimeException e) {
                failures.add(failed(id, "", jar, "plugin " + id + " has Plugin-Version '" + version
                        + "', which is not a semantic version (like 1.2.0)"));
                pm.unloadPlugin(id);
                continue;
            }
            String requires = w.getDescriptor().getRequires();
            boolean satisfied;
            try {
                satisfied = pm.getVersionManager().checkVersionConstraint(system, requires);
            } catch (RuntimeException e) {
                failures.add(failed(id, version, jar, "plugin " + id + " has Plugin-Requires '" + requires
                        + "', which is not a version constraint (like >=0.1.0): " + rootMessage(e), e));
                pm.unloadPlugin(id);
                continue;
            }
            if (!satisfied) {
                failures.add(failed(id, version, jar, "plugin " + id + " " + version + " requires gdln " + requires
                        + ", but this is gdln " + system));
                pm.unloadPlugin(id);
                continue;
            }
            PluginState state;
            try {
                state = pm.startPlugin(id);
            } catch (RuntimeException e) {
                // PF4J 3.13 throws a NullPointerException when Plugin-Class names a class that cannot be loaded
                String pc = w.getDescriptor().getPluginClass();
                failures.add(failed(id, version, jar, "plugin " + id + " did not start"
                        + (pc != null && !pc.isBlank() ? ": its Plugin-Class " + pc
                        + " cannot be loaded or instantiated" : ": " + rootMessage(e)), e));
                pm.unloadPlugin(id);
                continue;
            }
            if (state != PluginState.STARTED) {
                Throwable t = w.getFailedException();
                failures.add(failed(id, version, jar, "plugin " + id + " did not start (" + state + ")"
                        + (t != null ? ": " + rootMessage(t) : ""), t));
                pm.unloadPlugin(id);
                continue;
            }
            ClassLoader cl = w.getPluginClassLoader();
            try {
                loaded.add(new Loaded(id, version, jar, cl, own(Task.class, cl), own(GatingScheme.class, cl),
                        own(Architecture.class, cl)));
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                failures.add(failed(id, version, jar, "plugin " + id
                        + " lists an extension that cannot be loaded: " + rootMessage(e), e));
                pm.stopPlugin(id);
                pm.unloadPlugin(id);
            }
        }
        return new Scan(pm, List.copyOf(loaded), List.copyOf(failures));
    }

    /** Providers of {@code type} defined by the plugin's own class loader (not the host's built-ins). */
    public static <T> List<T> own(Class<T> type, ClassLoader cl) {
        return ServiceLoader.load(type, cl).stream()
                .filter(p -> p.type().getClassLoader() == cl)
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    private static PluginInfo register(Loaded p, Registry registry, Experiments experiments) {
        PluginInfo probe = new PluginInfo(p.id(), p.version(), p.jar(), "started", "", List.of());
        List<String> components = new ArrayList<>();
        try {
            List<Object[]> found = new ArrayList<>();
            p.tasks().forEach(t -> found.add(new Object[] {Registry.Kind.TASK, t.name(), t}));
            p.gatings().forEach(g -> found.add(new Object[] {Registry.Kind.GATING, g.name(), g}));
            p.architectures().forEach(a -> found.add(new Object[] {Registry.Kind.ARCHITECTURE, a.name(), a}));
            // check first, then register, so a clashing jar registers nothing
            for (Object[] f : found) {
                Registry.Kind kind = (Registry.Kind) f[0];
                if (registry.names(kind).contains((String) f[1])) {
                    throw new IllegalStateException("it ships " + kind.path() + " '" + f[1] + "', a name already"
                            + " taken");
                }
            }
            for (Object[] f : found) {
                Registry.Kind kind = (Registry.Kind) f[0];
                registry.add(kind, (String) f[1], f[2], probe.origin(), p.loader());
                components.add(kind.path() + " " + f[1]);
            }
            experiments.addJar(p.jar(), probe.origin(), p.loader());
        } catch (RuntimeException | IOException | LinkageError e) {
            return new PluginInfo(p.id(), p.version(), p.jar(), "failed", "components not registered: "
                    + rootMessage(e), components, e);
        }
        return new PluginInfo(p.id(), p.version(), p.jar(), "started", "", components);
    }

    private static PluginInfo failed(String id, String version, Path jar, String why) {
        return new PluginInfo(id, version, jar, "failed", why, List.of());
    }

    private static PluginInfo failed(String id, String version, Path jar, String why, Throwable cause) {
        return new PluginInfo(id, version, jar, "failed", why, List.of(), cause);
    }

    /**
     * Checks what PF4J would only log (with its own stack trace) before failing with a vaguer message: that the jar
     * can be opened and that its manifest names a plugin. Returns the failure, or null when PF4J may load it.
     */
    private static PluginInfo readable(String name, Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String id = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id");
            if (id == null || id.isBlank()) {
                return failed(name, "", jar, "not a plugin jar: its META-INF/MANIFEST.MF has no Plugin-Id"
                        + " (a javadoc or sources jar?)");
            }
            return null;
        } catch (IOException | SecurityException e) {
            return failed(name, "", jar, "not a readable jar: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" (").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }
}
