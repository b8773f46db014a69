package io.github.gdln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@link Main#run} on tiny configurations and checks exit codes, messages and the files written. */
class CliTest {
    /** Tiny routing toy: M = 3, hidden width 8, few epochs. */
    static final String[] TINY = {"task.domains=3", "gating.K=2", "model.hidden-width=8", "trainer.epochs=30",
        "experiment.grids=false"};

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result gdln(String... args) {
        return gdlnIn(tmp, args);
    }

    /** Runs gdln in-process, with the plugin folder {@code tmp/no-plugins} unless {@code --plugins} is given. */
    static Result gdlnIn(Path tmp, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--plugins")) {
            all.add("--plugins");
            all.add(tmp.resolve("no-plugins").toString());
        }
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String[] run(String experiment, String... overrides) {
        List<String> a = new ArrayList<>(List.of("run", experiment, "--runs-dir", tmp.resolve("runs").toString(),
                "-q"));
        a.addAll(Arrays.asList(overrides));
        return a.toArray(String[]::new);
    }

    static String[] concat(String[] a, String... b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    Path onlyRun(String experiment) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("runs").resolve(experiment))) {
            List<Path> l = s.toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        }
    }

    @Test
    void helpVersionAndUsageErrors() {
        Result help = gdln("--help");
        assertThat(help.code()).isEqualTo(0);
        assertThat(help.out()).contains("run", "list", "config", "compare", "plot", "reproduce", "resume",
                "generate-completion", "Exit codes");
        assertThat(gdln("run", "--help").out()).contains("--multirun", "--workers", "key=value");
        assertThat(gdln("--version").out()).contains("gdln");
        assertThat(gdln("frobnicate").code()).isEqualTo(2);
        assertThat(gdln("run").code()).isEqualTo(2);
        Result unknown = gdln("run", "routng-toy");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown experiment", "did you mean 'routing-toy'");
        assertThat(gdln("generate-completion").out()).contains("complete", "gdln");
    }

    @Test
    void runXorWritesACompleteFolder() throws IOException {
        Result r = gdln(run("xor", "trainer.epochs=20"));
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("xor completed", "folder:");
        Path f = onlyRun("xor");
        for (String file : List.of("config.conf", "provenance.json", "metrics.csv", "summary.json", "STATUS",
                "run.log", "contexts.csv", "loss.png", "loss.svg", "loss-pathways.png")) {
            assertThat(f.resolve(file)).exists();
        }
        assertThat(Files.readString(f.resolve("STATUS"))).startsWith("completed");
        assertThat(Files.readAllLines(f.resolve("metrics.csv"))).hasSize(22)
                .first().asString().startsWith("epoch,loss,trained_loss,untrained_loss");
        assertThat(Files.readString(f.resolve("provenance.json"))).contains("\"root_seed\": 1",
                "\"command\": \"gdln run xor", "nd4j_backend", "gdln_version", "\"git\"");
        assertThat(f.resolve(io.github.gdln.cli.run.Checkpoint.FILE)).doesNotExist();
    }

    @Test
    void configErrorsAreReportedTogetherWithOriginsAndSuggestions() throws IOException {
        Path user = tmp.resolve("my.conf");
        Files.writeString(user, "trainer {\n  momentum = 1.5\n}\n");
        Result r = gdln("config", "routing-toy", "--config", user.toString(), "trainer.learnin-rate=0.1",
                "trainer.epochs=-3", "gating.K=four", "init.scheme=ortho", "model=routng");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("6 problems",
                "trainer.learnin-rate = 0.1  (command line): unknown key; did you mean 'trainer.learning-rate'?",
                "trainer.epochs = -3  (command line): must be >= 0",
                "gating.K = \"four\"  (command line): must be an integer",
                "init.scheme = \"ortho\"", "did you mean 'routing'?",
                "trainer.momentum = 1.5  (" + user + ":2): must be in [0, 1)");
        // nothing ran
        assertThat(tmp.resolve("runs")).doesNotExist();
        Result bad = gdln(run("routing-toy", "trainer.epochs=-3"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void componentParametersAndCrossKeyConstraintsAreConfigurationProblemsAndNothingIsWritten() {
        String[][] cases = {
            {"gating.K=99", "gating.K = 99  (command line): must be in 1..7 (the number of domains)"},
            {"task.domains=0", "task.domains = 0  (command line): must be >= 1"},
            {"model.hidden-width=-4", "model.hidden-width = -4  (command line): must be >= 1"},
        };
        for (String[] c : cases) {
            Result config = gdln("config", "routing-toy", c[0]);
            assertThat(config.code()).as(c[0]).isEqualTo(2);
            assertThat(config.err()).as(c[0]).contains(c[1]);
            Result run = gdln(run("routing-toy", c[0]));
            assertThat(run.code()).as(c[0]).isEqualTo(2);
            assertThat(run.err()).as(c[0]).contains(c[1]);
            assertThat(tmp.resolve("runs")).as(c[0]).doesNotExist();
        }
        // every point of a sweep is checked before any runs: K = 8 does not fit M = 7
        Result sweep = gdln(concat(run("routing-toy", "gating.K=2,8", "trainer.epochs=2"), "-m"));
        assertThat(sweep.code()).isEqualTo(2);
        assertThat(sweep.err()).contains("gating.K = 8  (command line): must be in 1..7 (the number of domains)"
                + " [sweep point gating.K=8]");
        assertThat(tmp.resolve("runs")).doesNotExist();
        // the same K fits once there are enough domains
        assertThat(gdln("config", "routing-toy", "gating.K=8", "task.domains=8").code()).isEqualTo(0);
    }

    @Test
    void anEngineThatCannotTrainTheSetupIsAConfigurationProblemWithEveryReason() {
        // routing-toy previews its data, so the engine is asked about the whole setup before anything is written
        String[] reasons = {"trainer.engine = \"kpath\"  (command line): the kpath engine cannot train this setup",
            "trainer.method is full-batch, the k-path step is sgd", "the loss is squared-error",
            "the task's data is not routing data"};
        Result config = gdln("config", "routing-toy", "trainer.engine=kpath");
        assertThat(config.code()).as(config.out() + config.err()).isEqualTo(2);
        assertThat(config.err()).contains(reasons);
        Result run = gdln(run("routing-toy", "trainer.engine=kpath"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(reasons);
        assertThat(tmp.resolve("runs")).doesNotExist();
        // each point of a sweep: only the point that asks for kpath
        Result sweep = gdln(concat(run("routing-toy", "trainer.engine=generic,kpath", "trainer.epochs=2"), "-m"));
        assertThat(sweep.code()).isEqualTo(2);
        assertThat(sweep.err()).contains("the kpath engine cannot train this setup",
                "[sweep point trainer.engine=kpath]").doesNotContain("[sweep point trainer.engine=generic]");
        assertThat(tmp.resolve("runs")).doesNotExist();
        // auto and generic check out
        assertThat(gdln("config", "routing-toy", "trainer.engine=auto").code()).isZero();
        assertThat(gdln("config", "routing-toy", "trainer.engine=generic").code()).isZero();
    }

    @Test
    void configShowsEachValuesOrigin() {
        Result r = gdln("config", "routing-toy", "gating.K=2");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).containsPattern("gating.K +\\= 2 +# command line")
                .containsPattern("trainer.learning-rate += 0.02 +# experiments/routing-toy.conf")
                .containsPattern("trainer.momentum += 0 +# reference.conf");
        // switching components switches their parameters (and the setup must still fit together)
        Result sw = gdln("config", "routing-toy", "task=xor", "model=branches", "gating=xor");
        assertThat(sw.code()).as(sw.err()).isEqualTo(0);
        assertThat(sw.out()).contains("task.labels").doesNotContain("task.domains");
        Result misfit = gdln("config", "routing-toy", "task=xor");
        assertThat(misfit.code()).isEqualTo(2);
        assertThat(misfit.err()).contains("model.name = \"routing\"", "cannot be set up with these parameters",
                "the task has no data for node 'in0'");
    }

    @Test
    void sweepRunsEveryPointReportsFailuresAndWritesOneTable() throws IOException {
        Result r = gdln(concat(run("routing-toy", TINY), "-m", "gating.K=1,2", "trainer.learning-rate=0.02,1e4",
                "--workers", "2"));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("4 points", "2 of 4 points did not complete", "diverged");
        Path root = onlyRun("routing-toy");
        List<String> table = Files.readAllLines(root.resolve("sweep-summary.csv"));
        assertThat(table).hasSize(5);
        assertThat(table.get(0)).startsWith("point,gating.K,trainer.learning-rate,status");
        assertThat(table.stream().filter(l -> l.contains(",completed,"))).hasSize(2);
        assertThat(table.stream().filter(l -> l.contains(",failed,"))).hasSize(2);
        try (Stream<Path> s = Files.list(root)) {
            List<Path> points = s.filter(Files::isDirectory).sorted().toList();
            assertThat(points).hasSize(4);
            assertThat(points.get(0).getFileName().toString()).isEqualTo("0_gating.K=1,trainer.learning-rate=0.02");
            for (Path p : points) {
                String status = Files.readString(p.resolve("STATUS"));
                assertThat(status).matches("(?s)(completed|failed: training diverged).*");
            }
        }
        assertThat(root.resolve("sweep-gating.K.png")).exists();
    }

    /**
     * The theory overlay keeps no state between runs: with two sweep workers sharing it, every point's theory.csv is
     * byte for byte the one of the same point run alone.
     */
    @Test
    void theoryOfASweepPointEqualsTheTheoryOfThePointAlone() throws IOException {
        String[] base = {"task.domains=3", "model.hidden-width=8", "trainer.epochs=20", "experiment.grids=false"};
        Result sweep = gdln(concat(run("routing-toy", base), "-m", "gating.K=2,3", "task.domains=3,4", "--workers",
                "2"));
        assertThat(sweep.code()).as(sweep.err()).isZero();
        Path root = onlyRun("routing-toy");
        List<Path> points;
        try (Stream<Path> s = Files.list(root)) {
            points = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(points).hasSize(4);
        int index = 0;
        int withTheory = 0;
        for (int k = 2; k <= 3; k++) {
            for (int m = 3; m <= 4; m++) {
                Path alone = tmp.resolve("alone" + index);
                Result r = gdln(concat(new String[] {"run", "routing-toy", "--runs-dir", alone.toString(), "-q"},
                        concat(base, "gating.K=" + k, "task.domains=" + m)));
                assertThat(r.code()).as(r.err()).isZero();
                Path folder;
                try (Stream<Path> s = Files.list(alone.resolve("routing-toy"))) {
                    folder = s.findFirst().orElseThrow();
                }
                Path point = points.get(index);
                assertThat(point.getFileName().toString()).isEqualTo(index + "_gating.K=" + k + ",task.domains=" + m);
                assertThat(theoryLine(point)).isEqualTo(theoryLine(folder)); // the overlay, or why there is none
                assertThat(Files.exists(point.resolve("theory.csv"))).isEqualTo(Files.exists(folder.resolve(
                        "theory.csv")));
                if (Files.exists(folder.resolve("theory.csv"))) {
                    withTheory++;
                    assertThat(Files.readString(point.resolve("theory.csv")))
                            .isEqualTo(Files.readString(folder.resolve("theory.csv")));
                }
                index++;
            }
        }
        assertThat(withTheory).as("points with an overlay").isGreaterThanOrEqualTo(3);
    }

    private static String theoryLine(Path runFolder) throws IOException {
        return Files.readAllLines(runFolder.resolve("summary.json")).stream().filter(l -> l.contains("\"theory\""))
                .findFirst().orElseThrow();
    }

    @Test
    void listEnginesShowsTheBuiltInEnginesWithTheirOrigin() {
        Result r = gdln("list", "engines");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("engines (trainer.engine=<name>").containsPattern("(?m)^\\s+auto\\s+built-in")
                .containsPattern("(?m)^\\s+generic\\s+built-in").containsPattern("(?m)^\\s+kpath\\s+built-in");
    }

    /** The section is named for the concept (architectures); the config group's name (models) is a synonym. */
    @Test
    void listArchitecturesAlsoAnswersToTheConfigGroupName() {
        Result r = gdln("list", "architectures");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("architectures (model=<name>)").containsPattern("(?m)^\\s+routing\\s+built-in")
                .doesNotContain("engines (");
        Result synonym = gdln("list", "models");
        assertThat(synonym.code()).as(synonym.err()).isZero();
        assertThat(synonym.out()).isEqualTo(r.out());
        Result bad = gdln("list", "model");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown section 'model'", "architectures");
    }

    /** --dry-run lists every point with its resolved configuration and runs nothing; an impossible point exits 2. */
    @Test
    void dryRunListsAndChecksEveryPointWithoutRunning() {
        Result ok = gdln(concat(run("routing-toy", TINY), "-m", "gating.K=1,2", "init.scale=0.1,10", "--dry-run"));
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("4 points, every configuration valid", "[1/4] gating.K=1,init.scale=0.1 {",
                "[4/4] gating.K=2,init.scale=10 {", "\"K\":2", "\"scale\":10");
        assertThat(tmp.resolve("runs")).doesNotExist();
        Result bad = gdln(concat(run("routing-toy", TINY), "-m", "gating.K=2,5", "--dry-run"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.out() + bad.err())
                .contains("must be in 1..3 (the number of domains)", "[sweep point gating.K=5]")
                .doesNotContain("[sweep point gating.K=2]");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void severalValuesWithoutMultirunIsAUsageError() {
        Result r = gdln(run("routing-toy", "gating.K=1,2"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("add -m");
    }

    @Test
    void resumeAfterAnInterruptEndsWithExactlyTheUninterruptedMetrics() throws IOException {
        String[] sgd = concat(TINY, "trainer.method=sgd", "trainer.momentum=0.9", "trainer.batch-size=2",
                "trainer.learning-rate=0.01", "init.scheme=orthogonal", "init.scale=0.2",
                "trainer.checkpoint-every=0");
        Path runs1 = tmp.resolve("a");
        Result full = gdln(concat(new String[] {"run", "routing-toy", "--runs-dir", runs1.toString(), "-q"}, sgd));
        assertThat(full.code()).as(full.err()).isEqualTo(0);
        Path runs2 = tmp.resolve("b");
        Result stopped = gdln(concat(new String[] {"run", "routing-toy", "--runs-dir", runs2.toString(), "-q"},
                concat(sgd, "trainer.stop-after-epoch=13")));
        assertThat(stopped.code()).isEqualTo(1);
        Path folder;
        try (Stream<Path> s = Files.list(runs2.resolve("routing-toy"))) {
            folder = s.findFirst().orElseThrow();
        }
        assertThat(Files.readString(folder.resolve("STATUS"))).startsWith("interrupted: stopped by"
                + " trainer.stop-after-epoch=13 after epoch 13").contains("gdln resume");
        assertThat(folder.resolve("checkpoint.bin")).exists();
        Result resumed = gdln("resume", folder.toString(), "-q");
        assertThat(resumed.code()).as(resumed.err()).isEqualTo(0);
        assertThat(Files.readString(folder.resolve("STATUS"))).startsWith("completed");
        Path fullFolder;
        try (Stream<Path> s = Files.list(runs1.resolve("routing-toy"))) {
            fullFolder = s.findFirst().orElseThrow();
        }
        assertThat(Files.readString(folder.resolve("metrics.csv")))
                .isEqualTo(Files.readString(fullFolder.resolve("metrics.csv")));
        assertThat(gdln("resume", folder.toString()).out()).contains("already complete");
    }

    /** docs/theory.md §1.4: full-batch training from the path statistics follows the sample run (float64, 1e-9). */
    @Test
    void statisticsGradientGivesTheSampleRunsLosses() throws IOException {
        Path samples = tmp.resolve("samples");
        Path statistics = tmp.resolve("statistics");
        assertThat(gdln(concat(new String[] {"run", "routing-toy", "--runs-dir", samples.toString(), "-q"}, TINY))
                .code()).isEqualTo(0);
        Result r = gdln(concat(new String[] {"run", "routing-toy", "--runs-dir", statistics.toString(), "-q"},
                concat(TINY, "trainer.gradient=statistics")));
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        double[] a = lossColumn(samples);
        double[] b = lossColumn(statistics);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, a[i])));
        }
    }

    private static double[] lossColumn(Path runsDir) throws IOException {
        Path folder;
        try (Stream<Path> s = Files.list(runsDir.resolve("routing-toy"))) {
            folder = s.findFirst().orElseThrow();
        }
        return Files.readAllLines(folder.resolve("metrics.csv")).stream().skip(1)
                .mapToDouble(line -> Double.parseDouble(line.split(",")[1])).toArray();
    }

    @Test
    void aRandomStartHasAnApproximateOverlayThatCompareReports() throws IOException {
        assertThat(gdln(concat(run("routing-toy", TINY), "init.scheme=orthogonal", "init.scale=0.2")).code())
                .isEqualTo(0);
        Path f = onlyRun("routing-toy");
        assertThat(f.resolve("theory.csv")).exists();
        String summary = Files.readString(f.resolve("summary.json"));
        assertThat(summary).contains("approximate: start projected from random weights");
        Result c = gdln("compare", f.toString());
        assertThat(c.code()).as(c.err()).isEqualTo(0);
        assertThat(c.out()).contains("approximate: start projected from random weights", "loss (theory)",
                "point by point");
    }

    @Test
    void aRandomStartWhoseProjectionFailsHasNoOverlayAndSaysWhy() throws IOException {
        // XOR branches from a Gaussian start: only the aligned check fails, but the aligned initialiser's mode map
        // is not the gated one, so the projection has no aligned system to start
        assertThat(gdln(run("xor", "trainer.epochs=5")).code()).isEqualTo(0);
        Path f = onlyRun("xor");
        assertThat(f.resolve("theory.csv")).doesNotExist();
        assertThat(Files.readString(f.resolve("summary.json"))).contains("FAIL aligned start");
    }

    @Test
    void reproduceGivesIdenticalMetricsAndCompareAndPlotWork() throws IOException {
        assertThat(gdln(run("routing-toy", TINY)).code()).isEqualTo(0);
        Path f = onlyRun("routing-toy");
        assertThat(f.resolve("theory.csv")).exists();
        Result c = gdln("compare", f.toString());
        assertThat(c.code()).as(c.err()).isEqualTo(0);
        assertThat(c.out()).contains("theory vs simulation", "largest loss gap", "point by point", "singular values");
        Result p = gdln("plot", f.toString(), f.toString(), "--out", tmp.resolve("plots").toString());
        assertThat(p.code()).as(p.err()).isEqualTo(0);
        assertThat(tmp.resolve("plots/runs-loss.png")).exists();
        Result r = gdln("reproduce", f.toString(), "--runs-dir", tmp.resolve("again").toString(), "-q");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(0);
        assertThat(r.out()).contains("identical");
    }

    @Test
    void divergingRunFailsWithAClearMessage() throws IOException {
        Result r = gdln(run("routing-toy", concat(TINY, "trainer.learning-rate=1e4")));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("failed: training diverged");
        Path f = onlyRun("routing-toy");
        assertThat(Files.readString(f.resolve("STATUS"))).startsWith("failed: training diverged");
        assertThat(Files.readString(f.resolve("summary.json"))).contains("\"status\": \"failed\"");
    }

    @Test
    void pluginJarsAreLoadedAndABrokenOneIsReportedByName() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Files.createDirectories(plugins);
        Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3});
        buildPlugin(plugins.resolve("tiny-plugin.jar"));
        Result list = gdln("list", "--plugins", plugins.toString());
        assertThat(list.code()).as(list.err()).isEqualTo(0);
        assertThat(list.err()).contains("plugin broken.jar skipped");
        assertThat(list.out()).contains("tiny-xor", "plugin tiny@1.2.3", "tiny-exp", "FAILED");
        Result run = gdln("run", "tiny-exp", "--plugins", plugins.toString(), "--runs-dir",
                tmp.resolve("runs").toString(), "-q", "trainer.epochs=5");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(0);
        Path f = onlyRun("tiny-exp");
        assertThat(Files.readString(f.resolve("provenance.json"))).contains("\"id\": \"tiny\"",
                "\"version\": \"1.2.3\"", "tiny-xor (plugin tiny@1.2.3)");
    }

    @Test
    void aBrokenPluginJarIsOneLineNamingTheJarAndTheCauseAndItsStackTraceOnlyWithVerbose() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Files.createDirectories(plugins);
        Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3});
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("x-javadoc.jar")))) {
            entry(out, "index.html", "<html></html>".getBytes(StandardCharsets.UTF_8));
        }
        Result list = gdln("list", "plugins", "--plugins", plugins.toString());
        assertThat(list.code()).as(list.err()).isEqualTo(0);
        Path log = plugins.resolve(App.PLUGIN_LOG);
        assertThat(list.err().lines().toList()).containsExactly(
                "gdln: plugin broken.jar skipped: not a readable jar: zip END header not found (stack trace:"
                        + " gdln -v, or " + log + ")",
                "gdln: plugin x-javadoc.jar skipped: not a plugin jar: its META-INF/MANIFEST.MF has no Plugin-Id"
                        + " (a javadoc or sources jar?)");
        assertThat(Files.readString(log)).contains("plugin broken.jar skipped: not a readable jar",
                "java.util.zip.ZipException: zip END header not found", "\tat java.base/java.util.zip.ZipFile");
        // PF4J's own logging (which prints its stack trace of the broken jar) is off
        assertThat(org.slf4j.LoggerFactory.getLogger("org.pf4j.CompoundPluginDescriptorFinder").isErrorEnabled())
                .isFalse();
        Result verbose = gdln("list", "plugins", "-v", "--plugins", plugins.toString());
        assertThat(verbose.err()).contains("gdln: plugin broken.jar skipped: not a readable jar",
                "java.util.zip.ZipException: zip END header not found", "\tat java.base/java.util.zip.ZipFile");
    }

    /** Compiles a one-class plugin (a task delegating to XOR) and jars it with a PF4J manifest. */
    static void buildPlugin(Path jar) throws IOException {
        Path src = Files.createTempDirectory("plugin-src");
        Path pkg = src.resolve("tiny");
        Files.createDirectories(pkg);
        Files.writeString(pkg.resolve("TinyTask.java"), """
                package tiny;
                public final class TinyTask implements io.github.gdln.api.Task {
                    public String name() { return "tiny-xor"; }
                    public String description() { return "XOR from a plugin"; }
                    public io.github.gdln.api.TaskData load(io.github.gdln.api.Params p, long seed) {
                        return new io.github.gdln.core.tasks.XorTask().load(p.with("labels", "xor"), seed);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", src.toString(), "-cp", System.getProperty("java.class.path"),
                pkg.resolve("TinyTask.java").toString());
        assertThat(rc).isEqualTo(0);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Plugin-Id", "tiny");
        mf.getMainAttributes().putValue("Plugin-Version", "1.2.3");
        mf.getMainAttributes().putValue("Plugin-Requires", "*");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            entry(out, "tiny/TinyTask.class", Files.readAllBytes(pkg.resolve("TinyTask.class")));
            entry(out, "META-INF/services/io.github.gdln.api.Task", "tiny.TinyTask\n".getBytes());
            entry(out, "experiments/tiny-exp.conf", ("experiment.description = \"a plugin experiment\"\n"
                    + "task { name = tiny-xor }\ngating { name = xor }\nmodel { name = branches }\n"
                    + "trainer { epochs = 10, learning-rate = 0.1, tracked-edges = [] }\n"
                    + "init { scheme = gaussian, scale = 0.05 }\n").getBytes());
        }
    }

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    static OutputStream sink() {
        return OutputStream.nullOutputStream();
    }
}
