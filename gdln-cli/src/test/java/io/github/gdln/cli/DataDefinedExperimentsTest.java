package io.github.gdln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.github.gdln.cli.config.Assignment;
import io.github.gdln.cli.config.Binder;
import io.github.gdln.cli.config.Composer;
import io.github.gdln.cli.config.Experiments;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.cli.run.MetricsCsv;
import io.github.gdln.cli.run.RunExecutor;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.train.Trajectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiments written as data ({@code experiments/examples/*.conf}: {@code model = graph}, {@code gating = table},
 * {@code task = table}): the xor and routing-toy files train to the built-in Java components' trajectories, the
 * three-pathways example's theory overlay holds and shows the race it describes, and bad files fail before anything
 * runs (exit 2, no run folder) naming the file and line.
 */
class DataDefinedExperimentsTest {
    /** The examples folder, from gdln-cli (where Maven runs the tests). */
    static final Path EXAMPLES = Path.of("..", "experiments", "examples");

    @TempDir
    Path tmp;

    private final Registry registry = Registry.builtIn();
    private final Composer composer = Composer.of(registry);
    private final Experiments experiments = Experiments.builtIn(DataDefinedExperimentsTest.class.getClassLoader());

    RunConfig bind(String experiment, String... overrides) {
        List<Assignment> a = Arrays.stream(overrides).map(Assignment::parse).toList();
        return Binder.bind(composer, composer.compose(Composer.experimentLayer(experiments, experiment),
                ConfigFactory.empty(), a));
    }

    /**
     * Both configurations prepared from the same seed and trained: the loss of every context at every epoch and the
     * final parameters agree to 1e-12 relative to the initial loss (the same operations in the same order give the
     * same doubles; the tolerance only allows for a different summation order in a future engine).
     */
    void assertSameTrajectory(RunConfig builtIn, RunConfig data) {
        assertThat(data.model().name()).isEqualTo("graph");
        assertThat(data.gating().name()).isEqualTo("table");
        assertThat(data.task().name()).isEqualTo("table");
        assertThat(data.trainer()).isEqualTo(builtIn.trainer());
        Simulation a = Simulation.prepare(registry, RunExecutor.setup(builtIn));
        Simulation b = Simulation.prepare(registry, RunExecutor.setup(data));
        assertThat(b.graph().nodeCount()).isEqualTo(a.graph().nodeCount());
        assertThat(b.network().parameters().length()).isEqualTo(a.network().parameters().length());
        Trajectory ta = a.train(builtIn.trainer(), p -> { });
        Trajectory tb = b.train(data.trainer(), p -> { });
        assertThat(tb.points()).hasSameSizeAs(ta.points());
        double scale = Math.max(1, ta.points().get(0).loss());
        double worst = 0;
        for (int i = 0; i < ta.points().size(); i++) {
            Trajectory.Point p = ta.points().get(i);
            Trajectory.Point q = tb.points().get(i);
            assertThat(q.epoch()).isEqualTo(p.epoch());
            worst = Math.max(worst, Math.abs(p.loss() - q.loss()));
            for (int c = 0; c < p.contextLoss().length; c++) {
                worst = Math.max(worst, Math.abs(p.contextLoss()[c] - q.contextLoss()[c]));
            }
        }
        double[] wa = a.network().parameters().toDoubleVector();
        double[] wb = b.network().parameters().toDoubleVector();
        for (int i = 0; i < wa.length; i++) {
            worst = Math.max(worst, Math.abs(wa[i] - wb[i]));
        }
        assertThat(worst).isLessThanOrEqualTo(1e-12 * scale);
    }

    @Test
    void xorAsDataTrainsLikeTheBuiltIn() {
        assertSameTrajectory(bind("xor"), bind(EXAMPLES.resolve("xor.conf").toString()));
    }

    @Test
    void routingToyAsDataTrainsLikeTheBuiltIn() {
        // 40 of the 500 epochs: every weight, gate, context and target already enters each step
        assertSameTrajectory(bind("routing-toy", "trainer.epochs=40"),
                bind(EXAMPLES.resolve("routing-toy.conf").toString(), "trainer.epochs=40"));
    }

    record Result(int code, String out, String err) {
    }

    Result gdln(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--plugins");
        all.add(tmp.resolve("no-plugins").toString());
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path onlyRun(String experiment) throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("runs").resolve(experiment))) {
            List<Path> l = s.toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        }
    }

    /** Epoch at which {@code values} first reaches {@code level}, linearly interpolated. */
    static double crossing(double[] epochs, double[] values, double level) {
        for (int i = 1; i < values.length; i++) {
            if (values[i - 1] < level && values[i] >= level) {
                return epochs[i - 1] + (level - values[i - 1]) / (values[i] - values[i - 1])
                        * (epochs[i] - epochs[i - 1]);
            }
        }
        return Double.NaN;
    }

    static double[] product(MetricsCsv.Table t, String e1, String e2, int mode) {
        double[] a = t.column("sv." + e1 + "." + mode);
        double[] b = t.column("sv." + e2 + "." + mode);
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = a[i] * b[i];
        }
        return p;
    }

    /**
     * The three-pathways example: the automatic reduction covers it with no code for it, its prediction is the
     * simulation (full-batch descent: the reduced Euler map; 1e-10 of an initial loss of 19.5 leaves room for
     * rounding only), and in both the shared pathway learns every mode in 1/sqrt(2) of the private pathway's
     * epochs: mode strengths cross half the map's singular values (3 sqrt 3, 3, sqrt 3) with ratio within 0.02 of
     * 0.7071 (measured 0.713 / 0.709 / 0.707: the small start's finite lead).
     */
    @Test
    void threePathwaysOverlayHoldsAndShowsTheRace() throws IOException {
        Result r = gdln("run", EXAMPLES.resolve("three-pathways.conf").toString(), "--runs-dir",
                tmp.resolve("runs").toString(), "-q", "trainer.epochs=160");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("theory: neural race reduction");
        Path run = onlyRun("three-pathways");
        MetricsCsv.Table sim = MetricsCsv.read(run.resolve("metrics.csv"));
        MetricsCsv.Table theory = MetricsCsv.read(run.resolve("theory.csv"));
        double[] sl = sim.column("loss");
        double[] tl = theory.column("loss");
        assertThat(tl).hasSameSizeAs(sl);
        for (int i = 0; i < sl.length; i++) {
            assertThat(Math.abs(sl[i] - tl[i])).isLessThan(1e-10);
        }
        double[] s = {3 * Math.sqrt(3), 3, Math.sqrt(3)};
        for (MetricsCsv.Table t : List.of(sim, theory)) {
            double[] epochs = t.column("epoch");
            for (int k = 1; k <= 3; k++) {
                double shared = crossing(epochs, product(t, "shared-in", "a-out", k), s[k - 1] / 2);
                double own = crossing(epochs, product(t, "c-in", "c-out", k), s[k - 1] / 2);
                assertThat(shared).isLessThan(own);
                assertThat(shared / own).isCloseTo(1 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.02));
            }
        }
        // the context through the shared layer is ahead of the private one while they learn
        double[] a = sim.column("ctx.a");
        double[] c = sim.column("ctx.c");
        assertThat(a[60]).isLessThan(c[60] / 2);
        Result compare = gdln("compare", run.toString());
        assertThat(compare.code()).isZero();
        assertThat(compare.out()).contains("shared-in", "largest loss gap over the run");
    }

    @Test
    void badGraphsFailBeforeAnythingRunsNamingFileAndLine() throws IOException {
        String base = Files.readString(EXAMPLES.resolve("three-pathways.conf"))
                .replace("\"three-pathways-targets.csv\"", "\"" + EXAMPLES.resolve("three-pathways-targets.csv")
                        .toAbsolutePath().toString().replace("\\", "/") + "\"");
        record Case(String from, String to, String expected) {
        }
        List<Case> cases = List.of(
                new Case("{name = c-out, from = hc, to = yc}", "{name = c-out, from = hc, to = yd}",
                        "bad.conf:LINE): edge 'c-out' to = yd is not a node"),
                new Case("{name = c-out, from = hc, to = yc}", "{name = c-out, from = hc, to = yc}\n"
                        + "    {name = back, from = yc, to = hc}", "the graph has a cycle"),
                new Case("{name = hs, width = 4}", "{name = hs, width = 4}\n    {name = hs, width = 2}",
                        "node 'hs' is defined twice"),
                new Case("{name = x}", "{name = x, width = 4}",
                        "input node 'x' has width 4 but the task's data for it has width 3"),
                new Case("{name = c, opens = [yc]}", "{name = c, opens = [yc, c-mid]}",
                        "opens names 'c-mid', which is neither a node nor an edge"),
                new Case("[0, 0, 1]]", "[0, 1]]", "values is a ragged array: row 2 has 2 entries, row 0 has 3"));
        for (Case k : cases) {
            assertThat(base).contains(k.from());
            String text = base.replace(k.from(), k.to());
            Path conf = tmp.resolve("bad.conf");
            Files.writeString(conf, text);
            Result r = gdln("run", conf.toString(), "--runs-dir", tmp.resolve("runs").toString(), "-q");
            assertThat(r.code()).as(k.expected()).isEqualTo(2);
            String line = String.valueOf(lineOf(text, k.to().lines().reduce((x, y) -> y).orElseThrow()));
            String expected = k.expected().replace("LINE", line);
            assertThat(r.err()).contains(expected).contains("bad.conf:");
            assertThat(tmp.resolve("runs")).doesNotExist();
        }
    }

    private static int lineOf(String text, String fragment) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(fragment.strip())) {
                return i + 1;
            }
        }
        return -1;
    }

    /** A data file named relative to its config file is found, and the run folder's config names it absolutely. */
    @Test
    void dataFilesAreRelativeToTheirConfigFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("exp"));
        Files.write(dir.resolve("y.npy"), npyColumn(1, -1, -1, 1));
        Files.writeString(dir.resolve("tiny.conf"), String.join("\n",
                "model { name = graph, nodes = [{name = x}, {name = h, width = 2}, {name = y}]",
                "  edges = [{name = w1, from = x, to = h}, {name = w2, from = h, to = y}], inputs = [x], outputs = [y] }",
                "task { name = table, inputs = [{node = x, values = [[1, 0], [0, 1], [1, 1], [0, 0]]}]",
                "  targets = [{node = y, file = \"y.npy\"}] }",
                "gating { name = table, contexts = [{name = all, closes = []}] }",
                "trainer { epochs = 5, tracked-edges = [] }", ""));
        Result r = gdln("run", dir.resolve("tiny.conf").toString(), "--runs-dir", tmp.resolve("runs").toString(),
                "-q");
        assertThat(r.code()).as(r.err()).isZero();
        String config = Files.readString(onlyRun("tiny").resolve("config.conf"));
        assertThat(config).contains(dir.resolve("y.npy").toAbsolutePath().normalize().toString());
    }

    /** A float64 (N,) .npy file, as numpy.save writes it. */
    static byte[] npyColumn(double... values) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + values.length + ",), }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length() + 8 * values.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
