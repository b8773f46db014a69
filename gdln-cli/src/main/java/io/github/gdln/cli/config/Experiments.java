package io.github.gdln.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The catalogue of experiments: every {@code experiments/<name>.conf} shipped in the application and in plugin
 * jars. An experiment is a HOCON file with the groups {@code experiment}, {@code task}, {@code gating},
 * {@code model}, {@code trainer}, {@code init} and the keys {@code seed} and {@code precision}; it may
 * {@code include} another experiment of the same jar (e.g. {@code include "routing-toy.conf"}).
 */
public final class Experiments {
    /** The folder experiments live in, inside jars. */
    public static final String FOLDER = "experiments/";

    /**
     * One experiment.
     *
     * @param name     its name (the file name without {@code .conf})
     * @param origin   {@code built-in} or the id and version of the plugin that ships it
     * @param resource the classpath resource
     * @param loader   the class loader to read it with
     */
    public record Source(String name, String origin, String resource, ClassLoader loader) {
        /** Parses the file (includes resolved relative to it; substitutions not yet resolved). */
        public Config parse() {
            Config c = ConfigFactory.parseResources(loader, resource,
                    ConfigParseOptions.defaults().setAllowMissing(false).setClassLoader(loader));
            return c;
        }

        /** The experiment's one-line description, or empty. */
        public String description() {
            Config c = parse();
            return c.hasPath("experiment.description") ? c.getString("experiment.description") : "";
        }
    }

    private final Map<String, Source> sources = new TreeMap<>();

    /** The experiments of the application's own class path (resources under {@code experiments/}). */
    public static Experiments builtIn(ClassLoader loader) {
        Experiments e = new Experiments();
        try {
            Enumeration<URL> roots = loader.getResources(FOLDER);
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                for (String name : list(url)) {
                    e.sources.putIfAbsent(name, new Source(name, "built-in", FOLDER + name + ".conf", loader));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return e;
    }

    /** Adds the experiments inside a plugin jar; a name already taken fails naming both origins. */
    public void addJar(Path jar, String origin, ClassLoader loader) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                String entry = en.nextElement().getName();
                if (entry.startsWith(FOLDER) && entry.endsWith(".conf") && entry.indexOf('/', FOLDER.length()) < 0) {
                    String name = entry.substring(FOLDER.length(), entry.length() - 5);
                    Source old = sources.get(name);
                    if (old != null) {
                        throw new IllegalStateException("duplicate experiment '" + name + "': from " + old.origin()
                                + " and from " + origin);
                    }
                    sources.put(name, new Source(name, origin, entry, loader));
                }
            }
        }
    }

    /** The experiment called {@code name}, or a usage error listing the names and the nearest one. */
    public Source get(String name) {
        Source s = sources.get(name);
        if (s == null) {
            String near = Suggest.nearest(name, sources.keySet());
            throw new ConfigProblems(new Problem("experiment", name, "command line", "unknown experiment; available: "
                    + String.join(", ", sources.keySet()), near));
        }
        return s;
    }

    /** All experiments by name. */
    public Collection<Source> all() {
        return Collections.unmodifiableCollection(sources.values());
    }

    private static java.util.List<String> list(URL url) throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        if (url.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 5)));
            } catch (URISyntaxException ex) {
                throw new IOException(ex);
            }
        } else if (url.getProtocol().equals("jar")) {
            String spec = url.getPath();
            String jarPath = spec.substring("file:".length(), spec.indexOf("!/"));
            try (JarFile jf = new JarFile(java.net.URLDecoder.decode(jarPath, java.nio.charset.StandardCharsets.UTF_8))) {
                for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                    String entry = en.nextElement().getName();
                    if (entry.startsWith(FOLDER) && entry.endsWith(".conf")
                            && entry.indexOf('/', FOLDER.length()) < 0) {
                        names.add(entry.substring(FOLDER.length(), entry.length() - 5));
                    }
                }
            }
        }
        return names;
    }
}
