package io.github.gdln.cli.run;

import io.github.gdln.cli.App;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.plugins.PluginInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code provenance.json}: what is needed to trust and repeat a run: gdln's version, the git commit (and whether
 * the tree was dirty), JVM, OS, ND4J backend, the root seed, the SHA-256 of the dataset files the task read
 * (when its parameters name a {@code data-dir} or a {@code dataset} under the data folder), the plugins with their
 * versions, and the exact command.
 */
public final class Provenance {
    private Provenance() {
    }

    /** The provenance record of a run as a JSON-ready map. */
    public static Map<String, Object> of(App app, RunConfig config, String pointLabel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gdln_version", App.version());
        m.put("git", git());
        m.put("started", OffsetDateTime.now().toString());
        m.put("command", commandLine(app.args()));
        m.put("working_directory", Path.of("").toAbsolutePath().toString());
        m.put("experiment", config.experiment().name());
        m.put("sweep_point", pointLabel);
        m.put("root_seed", config.seed());
        m.put("precision", config.precision().toString().toLowerCase(java.util.Locale.ROOT));
        m.put("components", Map.of("task", config.task().name() + " (" + origin(app, "task", config.task().name())
                + ")", "gating", config.gating().name() + " (" + origin(app, "gating", config.gating().name()) + ")",
                "model", config.model().name() + " (" + origin(app, "model", config.model().name()) + ")"));
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        jvm.put("vm", System.getProperty("java.vm.name"));
        jvm.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        jvm.put("processors", Runtime.getRuntime().availableProcessors());
        jvm.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        // the BLAS kernel family forced by the environment (null: OpenBLAS chose by the CPU); float32 rounding and
        // speed depend on it (gdln-benchmarks/README.md)
        jvm.put("openblas_coretype", String.valueOf(System.getenv("OPENBLAS_CORETYPE")));
        m.put("runtime", jvm);
        m.put("nd4j_backend", backend());
        m.put("datasets", datasets(config));
        List<Object> plugins = new ArrayList<>();
        for (PluginInfo p : app.plugins()) {
            if (p.state().equals("shadowed")) {
                continue;
            }
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("id", p.id());
            pm.put("version", p.version());
            pm.put("jar", p.jar().getFileName().toString());
            pm.put("sha256", sha256(p.jar()));
            pm.put("state", p.state());
            plugins.add(pm);
        }
        m.put("plugins", plugins);
        return m;
    }

    private static String origin(App app, String group, String name) {
        var kind = io.github.gdln.cli.config.Composer.GROUPS.get(group);
        return app.registry().entries(kind).stream().filter(e -> e.name().equals(name)).map(e -> e.origin())
                .findFirst().orElse("?");
    }

    /** The command as one shell-quoted line, starting with {@code gdln}. */
    public static String commandLine(List<String> args) {
        StringBuilder sb = new StringBuilder("gdln");
        for (String a : args) {
            sb.append(' ');
            sb.append(a.matches("[A-Za-z0-9_./=:,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private static String backend() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName() + " (" + Nd4j.getExecutioner().getClass()
                    .getSimpleName() + ")";
        } catch (RuntimeException | LinkageError e) {
            return "unavailable: " + e.getMessage();
        }
    }

    private static Map<String, Object> git() {
        Map<String, Object> g = new LinkedHashMap<>();
        String commit = exec("git", "rev-parse", "HEAD");
        g.put("commit", commit.isEmpty() ? "unknown (not a git checkout)" : commit);
        if (!commit.isEmpty()) {
            g.put("dirty", !exec("git", "status", "--porcelain", "--untracked-files=no").isEmpty());
        }
        return g;
    }

    private static String exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SHA-256 of the files of a data folder the task names, by relative path. */
    private static Map<String, Object> datasets(RunConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object dir = config.task().params().get("data-dir");
        Object dataset = config.task().params().get("dataset");
        Path root = null;
        if (dir instanceof String d && !d.isBlank()) {
            root = Path.of(d);
        } else if (dataset instanceof String ds) {
            try {
                root = io.github.gdln.datasets.DataFolder.fromEnvironment().root().resolve(ds);
            } catch (RuntimeException e) {
                return out;
            }
        }
        if (root == null || !Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.put(root.relativize(f).toString(), sha256(f));
            }
        } catch (IOException e) {
            out.put("error", e.getMessage());
        }
        return out;
    }

    /** The SHA-256 of a file in hex, or an error note. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
