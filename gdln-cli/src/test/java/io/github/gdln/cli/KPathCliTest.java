package io.github.gdln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.datasets.testing.IdxFixtures;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The k-path engine through the real {@link Main#run}: the built mnist-routing plugin jar (copied to
 * {@code target/test-plugins} by the build) in a plugins folder, on tiny generated MNIST-format IDX files.
 */
class KPathCliTest {
    static final Path PLUGIN = Path.of("target/test-plugins/gdln-plugin-mnist-routing.jar");
    static final String[] TINY = {"task.domains=3", "gating.K=2", "model.hidden-width=8", "trainer.epochs=3",
        "trainer.learning-rate=0.01"};

    @TempDir
    Path tmp;
    Path plugins;
    Path data;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        assertThat(PLUGIN).as("the built plugin jar (mvn package copies it)").isRegularFile();
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(PLUGIN, plugins.resolve(PLUGIN.getFileName()));
        data = tmp.resolve("data");
        IdxFixtures.writeMnist(data.resolve("mnist"), 60, 1);
    }

    Result gdln(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--plugins", plugins.toString()));
        all.addAll(Arrays.asList(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String[] run(String... overrides) {
        List<String> a = new ArrayList<>(List.of("run", "mnist-routing-permute-m40", "--runs-dir",
                tmp.resolve("runs").toString(), "-q", "task.data-dir=" + data));
        a.addAll(Arrays.asList(TINY));
        a.addAll(Arrays.asList(overrides));
        return a.toArray(String[]::new);
    }

    List<Path> runs() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("runs").resolve("mnist-routing-permute-m40"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void listShowsThePluginItsVersionAndItsExperiments() {
        Result r = gdln("list");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mnist-routing 0.1.0", "started: task mnist-routing",
                "plugin mnist-routing@0.1.0", "mnist-routing-permute-m40", "mnist-routing-rotate-m40",
                "mnist-routing-permute-m100", "mnist-routing-rotate-m100", "mnist-routing-permute-m40-short",
                "mnist-routing-rotate-m40-short");
    }

    @Test
    void kpathRunWritesAFullRunFolder() throws IOException {
        Result r = gdln(run());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        Path f = runs().get(0);
        assertThat(Files.readString(f.resolve("STATUS")).trim()).isEqualTo("completed");
        assertThat(Files.readString(f.resolve("run.log"))).contains("engine: kpath (M=3, D=784, H=8", "plain step",
                "epoch 1: training", "projected wall time of all 3 epochs");
        List<String> rows = Files.readAllLines(f.resolve("metrics.csv"));
        assertThat(rows.get(0)).startsWith("epoch,loss,trained_loss,untrained_loss,trained_accuracy,"
                + "untrained_accuracy,test_trained_loss,test_untrained_loss,test_trained_accuracy,"
                + "test_untrained_accuracy,step_loss,ctx.");
        assertThat(rows).hasSize(5); // epochs 0..3
        assertThat(rows.get(3).split(",", -1)).hasSize(11 + 9).doesNotContain("", "NaN"); // 9 contexts
        String summary = Files.readString(f.resolve("summary.json"));
        assertThat(summary).contains("\"engine\": \"kpath\"", "\"test_trained_accuracy\"", "\"epochs\": 3");
        assertThat(summary).contains("\"encoder-window\": 1", "\"train_seconds\"", "\"eval_seconds\"",
                "\"eval_share_of_training\"", "\"projected_seconds\"");
        assertThat(f.resolve("accuracy.png")).isRegularFile();
        assertThat(f.resolve("gates.png")).isRegularFile();
        assertThat(Files.readString(f.resolve("provenance.json"))).contains("mnist-routing");
    }

    @Test
    void resumeAfterAnInterruptEndsWithTheUninterruptedMetrics() throws IOException {
        assertThat(gdln(run()).code()).isZero();
        Result stopped = gdln(run("trainer.stop-after-epoch=1"));
        assertThat(stopped.code()).isEqualTo(1);
        List<Path> folders = runs();
        Path full = folders.get(0);
        Path cut = folders.get(1);
        assertThat(Files.readString(cut.resolve("STATUS"))).startsWith("interrupted");
        assertThat(cut.resolve("checkpoint.bin")).isRegularFile();
        assertThat(Files.readAllLines(cut.resolve("metrics.csv"))).hasSize(3);
        Result resumed = gdln("resume", cut.toString());
        assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
        assertThat(Files.readString(cut.resolve("metrics.csv"))).isEqualTo(Files.readString(full.resolve(
                "metrics.csv")));
        assertThat(cut.resolve("checkpoint.bin")).doesNotExist();
    }

    @Test
    void crossKeyProblemsBeforeAnythingIsWritten() throws IOException {
        // gating.K larger than task.domains is found on the task's preview (no image read): exit 2 naming the key,
        // its value and what fits, and no run folder
        Result k = gdln(run("gating.K=5"));
        assertThat(k.code()).as(k.out() + k.err()).isEqualTo(2);
        assertThat(k.err()).contains("gating.K = 5", "(command line)", "must be in 1..3 (the number of domains)");
        assertThat(tmp.resolve("runs")).doesNotExist();
        Result config = gdln("config", "mnist-routing-permute-m40", "task.data-dir=" + data, "task.domains=3",
                "gating.K=4");
        assertThat(config.code()).isEqualTo(2);
        assertThat(config.err()).contains("gating.K = 4", "must be in 1..3");
        // the preview reads no image: the same problem is found with no data folder at all
        Result noData = gdln(run("gating.K=5", "task.data-dir=" + tmp.resolve("absent")));
        assertThat(noData.code()).as(noData.out() + noData.err()).isEqualTo(2);
        assertThat(noData.err()).contains("gating.K = 5");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void engineSelection() throws IOException {
        // generic on request: the same task through the generic engine
        Result g = gdln(run("trainer.engine=generic", "trainer.epochs=1", "task.train-samples=10",
                "task.test-samples=5"));
        assertThat(g.code()).as(g.out() + g.err()).isZero();
        assertThat(Files.readString(runs().get(0).resolve("summary.json"))).contains("\"engine\": \"generic\"");
        // the deferred encoder update on request; a bad window is a configuration error naming the key
        Result w = gdln(run("trainer.encoder-window=3", "trainer.epochs=1"));
        assertThat(w.code()).as(w.out() + w.err()).isZero();
        assertThat(Files.readString(runs().get(runs().size() - 1).resolve("run.log")))
                .contains("deferred encoder update every 3 steps");
        Result badWindow = gdln(run("trainer.encoder-window=0"));
        assertThat(badWindow.code()).isEqualTo(2);
        assertThat(badWindow.err()).contains("trainer.encoder-window", "auto or a number of steps >= 1");
        // kpath where the setup is not the k-path network: a configuration problem at trainer.engine (exit 2, no run
        // folder) with every reason (judged from the trainer and the graph, not from names; the init scheme is no
        // reason: the engine starts from the setup's network). The task previews its structure without reading the
        // images, so the graph is judged before anything is written too.
        int before = runs().size();
        Result bad = gdln(run("trainer.engine=kpath", "model.hidden-layers=3", "init.scheme=orthogonal",
                "trainer.method=full-batch"));
        assertThat(bad.code()).as(bad.out() + bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("trainer.engine = \"kpath\"  (command line): the kpath engine cannot train"
                + " this setup", "trainer.method is full-batch, the k-path step is sgd");
        assertThat(runs()).hasSize(before);
        Result config = gdln("config", "mnist-routing-permute-m40", "task.data-dir=" + data, "trainer.engine=kpath",
                "trainer.method=full-batch");
        assertThat(config.code()).isEqualTo(2);
        assertThat(config.err()).contains("the k-path step is sgd");
        Result graph = gdln(run("trainer.engine=kpath", "model.hidden-layers=3"));
        assertThat(graph.code()).as(graph.out() + graph.err()).isEqualTo(2);
        assertThat(graph.err()).contains("trainer.engine = \"kpath\"  (command line): the kpath engine cannot train"
                + " this setup", "the graph has 9 nodes and 8 edges, the k-path network 8 and 7");
        assertThat(runs()).hasSize(before);
        // auto: the same setup trains with the generic engine and says why in the log
        Result auto = gdln(run("model.hidden-layers=3", "trainer.epochs=1", "task.train-samples=10",
                "task.test-samples=5"));
        assertThat(auto.code()).as(auto.out() + auto.err()).isZero();
        Path autoRun = runs().get(runs().size() - 1);
        assertThat(Files.readString(autoRun.resolve("summary.json"))).contains("\"engine\": \"generic\"");
        assertThat(Files.readString(autoRun.resolve("run.log"))).contains("kpath declined: the graph has 9 nodes");
        // divergence: a failed folder with the reason
        Result nan = gdln(run("trainer.learning-rate=1e6", "init.scale=100"));
        assertThat(nan.code()).isEqualTo(1);
        Path last = runs().get(runs().size() - 1);
        assertThat(Files.readString(last.resolve("STATUS"))).startsWith("failed").contains("diverged");
    }
}
