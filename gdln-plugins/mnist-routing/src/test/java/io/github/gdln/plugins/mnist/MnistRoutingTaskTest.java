package io.github.gdln.plugins.mnist;

import io.github.gdln.datasets.testing.IdxFixtures;
import io.github.gdln.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.github.gdln.api.Params;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.plugins.routing.RoutingTaskData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistRoutingTaskTest {

    @TempDir
    Path data;

    /** The task's parameters: its reference.conf defaults under the given values. */
    static Params params(Map<String, Object> values) {
        Map<String, Object> merged = new HashMap<>(
                ConfigFactory.defaultReference().getConfig("gdln.task.mnist-routing").root().unwrapped());
        merged.putAll(values);
        return new Params("task mnist-routing", merged);
    }

    static Params trainerParams(Map<String, Object> values) {
        Map<String, Object> merged = new HashMap<>(
                ConfigFactory.defaultReference().getConfig("gdln.trainer.kpath").root().unwrapped());
        merged.putAll(values);
        return new Params("trainer kpath", merged);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(Task.class).stream().map(ServiceLoader.Provider::type).toList())
                .contains(MnistRoutingTask.class);
        assertThat(new MnistRoutingTask().name()).isEqualTo("mnist-routing");
    }

    @Test
    void permutedDomainsFromTheTaskSeedWithLexicographicLabels() throws Exception {
        IdxFixtures.writeMnist(data.resolve("mnist"), 40, 1);
        Params p = params(Map.of("data-dir", data.toString(), "domains", 4, "train-samples", 30));
        TaskData t = new MnistRoutingTask().load(p, 7);
        assertThat(t.sampleCount()).isEqualTo(30);
        assertThat(t.test().orElseThrow().sampleCount()).isEqualTo(20);
        assertThat(t.contexts()).hasSize(16);
        RoutingData r = (RoutingData) t;
        assertThat(r.inputWidth()).isEqualTo(784);
        assertThat(r.permutation(0)).isPresent();
        assertThat(r.permutation(0).get()).isNotEqualTo(r.permutation(1).get());
        // lexicographic: domain 1 swaps classes 8 and 9 only
        assertThat(r.relabeling(1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 9, 8);
        // same seed, same permutations; another seed, others
        RoutingData again = (RoutingData) new MnistRoutingTask().load(p, 7);
        RoutingData other = (RoutingData) new MnistRoutingTask().load(p, 8);
        assertThat(again.permutation(3).get()).isEqualTo(r.permutation(3).get());
        assertThat(other.permutation(3).get()).isNotEqualTo(r.permutation(3).get());
        RoutingData test = (RoutingData) t.test().get();
        assertThat(test.permutation(2).get()).isEqualTo(r.permutation(2).get());
    }

    @Test
    void previewHasTheStructureOfTheLoadedDataWithoutReadingTheImages() throws Exception {
        IdxFixtures.writeMnist(data.resolve("mnist"), 40, 1);
        for (String transform : List.of("permute", "rotate")) {
            Map<String, Object> values = Map.of("domains", 4, "input-transform", transform, "label-order", "uniform");
            Map<String, Object> withData = new HashMap<>(values);
            withData.put("data-dir", data.toString());
            TaskData loaded = new MnistRoutingTask().load(params(withData), 7);
            // no data folder at all: the preview reads nothing
            Map<String, Object> noData = new HashMap<>(values);
            noData.put("data-dir", data.resolve("absent").toString());
            TaskData preview = new MnistRoutingTask().preview(params(noData), 7).orElseThrow();
            assertThat(preview.sampleCount()).isZero();
            assertThat(preview.inputWidths()).isEqualTo(loaded.inputWidths()).containsEntry("in3", 784);
            assertThat(preview.outputWidths()).isEqualTo(loaded.outputWidths()).containsEntry("out3", 10);
            assertThat(preview.contexts()).isEqualTo(loaded.contexts()).hasSize(16);
            assertThat(preview.loss()).isEqualTo(loaded.loss());
            RoutingData r = (RoutingData) preview;
            RoutingData l = (RoutingData) loaded;
            assertThat(preview.test().orElseThrow()).isInstanceOf(RoutingData.class);
            for (int i = 0; i < 4; i++) {
                assertThat(r.relabeling(i)).isEqualTo(l.relabeling(i));
                assertThat(r.permutation(i).isPresent()).isEqualTo(transform.equals("permute"));
                if (transform.equals("permute")) {
                    assertThat(r.permutation(i).get()).isEqualTo(l.permutation(i).get());
                }
            }
        }
        assertThatThrownBy(() -> new MnistRoutingTask().preview(params(Map.of("domains", 0)), 1))
                .hasMessageContaining("parameter 'domains' = 0 must be >= 1");
    }

    @Test
    void rotatedDomainsAndUniformLabelsOnFashionMnist() throws Exception {
        IdxFixtures.writeMnist(data.resolve("fashion-mnist"), 10, 2);
        Params p = params(Map.of("data-dir", data.toString(), "dataset", "fashion-mnist", "domains", 4,
                "input-transform", "rotate", "label-order", "uniform"));
        RoutingTaskData t = (RoutingTaskData) new MnistRoutingTask().load(p, 3);
        assertThat(t.permutation(0)).isEmpty();
        assertThat(t.relabeling(0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(t.relabeling(1)).isNotEqualTo(t.relabeling(0));
        assertThat(t.description()).contains("fashion-mnist", "rotated", "uniform");
        float[] x0 = new float[784];
        t.domainInputs(0, new int[] {1}, x0);
        float[] base = java.util.Arrays.copyOfRange(t.inputs() instanceof io.github.gdln.plugins.routing.TransformedImages ti
                ? ti.images().pixels() : new float[0], 784, 2 * 784);
        assertThat(x0).containsExactly(base); // domain 0 is a rotation by 0 degrees
        KPathRun run = new KPathRun(t, (RoutingData) t.test().get(),
                KPathRun.routingGate("K_plus_mod", 2, true, 4, 3),
                KPathRun.Settings.from(trainerParams(Map.of("epochs", 1, "hidden-width", 8))), 3);
        assertThat(run.folded()).isFalse();
        KPathRun.EpochMetrics e = run.run(null).get(0);
        assertThat(e.test().orElseThrow().trainedAccuracy()).isPresent();
    }

    @Test
    void everyBadParameterIsReportedAtOnce() {
        Params p = params(Map.of("dataset", "emnist", "input-transform", "shear", "label-order", "random",
                "domains", 0));
        assertThatThrownBy(() -> new MnistRoutingTask().load(p, 1))
                .hasMessageContaining("'dataset' = emnist").hasMessageContaining("'input-transform' = shear")
                .hasMessageContaining("'label-order' = random").hasMessageContaining("'domains' = 0");
    }

    @Test
    void missingDataNamesTheFetchScript() {
        Params p = params(Map.of("data-dir", data.resolve("empty").toString()));
        assertThatThrownBy(() -> new MnistRoutingTask().load(p, 1))
                .hasMessageContaining("scripts/fetch-data mnist").hasMessageContaining("task mnist-routing");
    }

    @Test
    void experimentConfigParses() {
        var c = ConfigFactory.parseResources("experiments/mnist-routing-permute-m40.conf").resolve();
        assertThat(c.getInt("task.domains")).isEqualTo(40);
        assertThat(c.getString("task.name")).isEqualTo("mnist-routing");
        assertThat(c.getInt("gating.K")).isEqualTo(10);
        assertThat(List.of("epochs", "learning-rate", "momentum", "batch-size"))
                .allMatch(k -> c.hasPath("trainer." + k));
        assertThat(c.getString("trainer.method")).isEqualTo("sgd");
        // the experiment's keys bind to KPathRun.Settings as the CLI would map them
        KPathRun.Settings s = new KPathRun.Settings(c.getInt("trainer.epochs"), c.getInt("model.hidden-width"),
                c.getInt("trainer.batch-size"), c.getDouble("init.scale"), c.getDouble("trainer.learning-rate"),
                c.getDouble("trainer.momentum"), KPathRun.Settings.precision(c.getString("precision"), "experiment"),
                0, 0);
        assertThat(s).isEqualTo(KPathRun.Settings.paper(1000, 128, 1.0));
        // and the task block is valid for the task
        Map<String, Object> task = new HashMap<>(c.getConfig("task").root().unwrapped());
        task.remove("name");
        assertThat(params(task).values()).containsEntry("domains", 40).containsEntry("input-transform", "permute");
    }
}
