package io.github.gdln.plugins.cifar;

import io.github.gdln.kpath.KPathRun;
import java.util.OptionalDouble;
import io.github.gdln.kpath.Metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.github.gdln.api.Params;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.plugins.routing.RoutingTaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CifarTransferTaskTest {

    @TempDir
    Path tmp;

    static Params params(Map<String, Object> values) {
        Map<String, Object> merged = new HashMap<>(
                ConfigFactory.defaultReference().getConfig("gdln.task.cifar-transfer").root().unwrapped());
        merged.putAll(values);
        return new Params("task cifar-transfer", merged);
    }

    static KPathRun.Settings settings() {
        Map<String, Object> merged = new HashMap<>(
                ConfigFactory.defaultReference().getConfig("gdln.trainer.kpath").root().unwrapped());
        merged.putAll(Map.of("epochs", 2, "hidden-width", 8, "learning-rate", 0.01));
        return KPathRun.Settings.from(new Params("trainer kpath", merged));
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(Task.class).stream().map(ServiceLoader.Provider::type).toList())
                .contains(CifarTransferTask.class);
    }

    @Test
    void rawPixelsOfRotatedDomainsTrainAFewSteps() throws Exception {
        Path data = CifarFixtures.write(tmp.resolve("cifar"), 6, 10, 1);
        TaskData t = new CifarTransferTask().load(params(Map.of("data-dir", data.toString(), "domains", 4)), 1);
        RoutingData r = (RoutingData) t;
        assertThat(t.sampleCount()).isEqualTo(30);
        assertThat(r.inputWidth()).isEqualTo(3072);
        assertThat(r.permutation(0)).isEmpty();
        assertThat(t.contexts()).hasSize(16);
        KPathRun run = new KPathRun(r, (RoutingData) t.test().orElseThrow(),
                KPathRun.routingGate("K_plus_mod", 2, true, 4, 1), settings(), 1);
        List<KPathRun.EpochMetrics> e = run.run(null);
        assertThat(e).hasSize(2);
        assertThat(e.get(1).test().orElseThrow().trainedAccuracy()).isPresent();
        assertThat(e.get(1).trainingLoss()).isFinite();
    }

    /**
     * The CIFAR part of the paper's grid (issue 13): every Xavier gain of {@code scripts/cifar10.sh} (10 .. 1e-4)
     * on rotated raw pixels of the fixture (M = 10, K = 5, one epoch of 30 images, float32) gives a finite training
     * loss and finite metrics on both groups, train and test. Raw CIFAR pixels over 3072 inputs put gain-10 logits
     * in the thousands, where the former step loss was infinite.
     */
    @Test
    void previewHasTheStructureOfRawPixelDataAndNoneWithAFeatureModel() throws Exception {
        Path data = CifarFixtures.write(tmp.resolve("cifar"), 6, 10, 1);
        TaskData loaded = new CifarTransferTask().load(params(Map.of("data-dir", data.toString(), "domains", 4)), 1);
        TaskData preview = new CifarTransferTask().preview(params(Map.of("data-dir",
                tmp.resolve("absent").toString(), "domains", 4)), 1).orElseThrow();
        assertThat(preview.sampleCount()).isZero();
        assertThat(preview.inputWidths()).isEqualTo(loaded.inputWidths()).containsEntry("in3", 3072);
        assertThat(preview.outputWidths()).isEqualTo(loaded.outputWidths()).containsEntry("out3", 10);
        assertThat(preview.contexts()).isEqualTo(loaded.contexts());
        assertThat(((RoutingData) preview).relabeling(3)).isEqualTo(((RoutingData) loaded).relabeling(3));
        // the width of a feature model's activations is known only from the model
        assertThat(new CifarTransferTask().preview(params(Map.of("domains", 4, "feature-model", "net.zip",
                "feature-layer", "dense")), 1)).isEmpty();
    }

    @Test
    void everyGainOfThePaperGridGivesFiniteNumbers() throws Exception {
        Path data = CifarFixtures.write(tmp.resolve("cifar"), 6, 10, 1);
        TaskData task = new CifarTransferTask().load(params(Map.of("data-dir", data.toString(), "domains", 10)), 1);
        RoutingData train = (RoutingData) task;
        RoutingData test = (RoutingData) task.test().orElseThrow();
        for (double gain : new double[] {10, 1, 0.1, 0.01, 0.001, 0.0001}) {
            Map<String, Object> merged = new HashMap<>(
                    ConfigFactory.defaultReference().getConfig("gdln.trainer.kpath").root().unwrapped());
            merged.putAll(Map.of("epochs", 1, "hidden-width", 32, "gain", gain, "learning-rate", 1e-4));
            KPathRun run = new KPathRun(train, test, KPathRun.routingGate("K_plus_mod", 5, true, 10, 1),
                    KPathRun.Settings.from(new Params("trainer kpath", merged)), 1);
            KPathRun.EpochMetrics e = run.run(null).get(0);
            assertThat(e.trainingLoss()).as("gain %s training loss", gain).isFinite();
            for (Metrics m : List.of(e.train(), e.test().orElseThrow())) {
                for (OptionalDouble v : List.of(m.trainedAccuracy(), m.trainedLoss(), m.untrainedAccuracy(),
                        m.untrainedLoss())) {
                    assertThat(v).isPresent();
                    assertThat(v.getAsDouble()).as("gain %s metric", gain).isFinite();
                }
            }
            if (gain == 10) {
                assertThat(e.train().trainedLoss().getAsDouble()).as("gain-10 loss: logits far apart")
                        .isGreaterThan(100);
            }
        }
    }

    @Test
    void featuresOfATruncatedDl4jNetworkAreCachedByDataAndModelHash() throws Exception {
        Path data = CifarFixtures.write(tmp.resolve("cifar"), 4, 6, 2);
        Path model = CifarFixtures.network(tmp.resolve("net.zip"));
        Path cache = tmp.resolve("cache");
        Params p = params(Map.of("data-dir", data.toString(), "domains", 3, "feature-model", model.toString(),
                "feature-layer", "dense", "cache-dir", cache.toString(), "feature-batch", 7));
        RoutingTaskData t = (RoutingTaskData) new CifarTransferTask().load(p, 1);
        assertThat(t.inputWidth()).isEqualTo(12);
        assertThat(t.description()).contains("layer=dense");
        List<Path> files;
        try (Stream<Path> s = Files.walk(cache)) {
            files = s.filter(f -> f.toString().endsWith(".f32")).sorted().toList();
        }
        assertThat(files).hasSize(6); // 3 domains x (train, test)
        long stamp = Files.getLastModifiedTime(files.get(0)).toMillis();

        // domain 0 is a rotation by 0 degrees: its features are the network's dense activations of the raw image
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        float[] px = new float[3072];
        t.inputs(); // (features)
        io.github.gdln.datasets.ImageDataset raw = io.github.gdln.datasets.Cifar10Reader.train(data);
        raw.copyRow(5, px, 0);
        INDArray act = net.feedForwardToLayer(2, Nd4j.create(px, new long[] {1, 3, 32, 32}), false).get(3);
        float[] f = new float[12];
        t.domainInputs(0, new int[] {5}, f);
        for (int k = 0; k < 12; k++) {
            assertThat((double) f[k]).isCloseTo(act.getDouble(0, k), org.assertj.core.api.Assertions.within(1e-4));
        }

        // a second load reads the cache (files untouched, same features)
        Thread.sleep(20);
        RoutingTaskData again = (RoutingTaskData) new CifarTransferTask().load(p, 1);
        assertThat(Files.getLastModifiedTime(files.get(0)).toMillis()).isEqualTo(stamp);
        float[] g = new float[12];
        again.domainInputs(0, new int[] {5}, g);
        assertThat(g).containsExactly(f);

        // another layer is another key
        new CifarTransferTask().load(p.with("feature-layer", "pool1"), 1);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.count()).isEqualTo(4);
        }

        KPathRun run = new KPathRun(t, (RoutingData) t.test().orElseThrow(),
                KPathRun.routingGate("K_plus_mod", 2, true, 3, 1), settings(), 1);
        assertThat(run.run(null).get(1).train().trainedAccuracy()).isPresent();
    }

    @Test
    void unknownLayerListsTheLayers() throws Exception {
        Path data = CifarFixtures.write(tmp.resolve("cifar"), 2, 2, 2);
        Path model = CifarFixtures.network(tmp.resolve("net.zip"));
        Params p = params(Map.of("data-dir", data.toString(), "domains", 2, "feature-model", model.toString(),
                "feature-layer", "fc9", "cache-dir", tmp.resolve("c").toString()));
        assertThatThrownBy(() -> new CifarTransferTask().load(p, 1))
                .hasMessageContaining("no layer 'fc9'").hasMessageContaining("conv1").hasMessageContaining("dense");
    }

    @Test
    void missingDataSaysHowToGetIt() {
        Params p = params(Map.of("data-dir", tmp.resolve("nowhere").toString()));
        assertThatThrownBy(() -> new CifarTransferTask().load(p, 1))
                .hasMessageContaining("cifar-10-binary.tar.gz").hasMessageContaining("task cifar-transfer");
    }

    @Test
    void badParametersAreReportedTogether() {
        Params p = params(Map.of("input-transform", "flip", "feature-input", "chw", "feature-model", "x.zip"));
        assertThatThrownBy(() -> new CifarTransferTask().load(p, 1))
                .hasMessageContaining("'input-transform' = flip").hasMessageContaining("'feature-input' = chw")
                .hasMessageContaining("'feature-layer'");
    }

    @Test
    void experimentConfigParsesAndItsTaskBlockIsValid() {
        var c = ConfigFactory.parseResources("experiments/cifar-transfer.conf").resolve();
        assertThat(c.getInt("task.domains")).isEqualTo(40);
        assertThat(c.getString("trainer.method")).isEqualTo("sgd");
        Map<String, Object> task = new HashMap<>(c.getConfig("task").root().unwrapped());
        task.remove("name");
        assertThat(params(task).values()).containsEntry("input-transform", "rotate");
    }
}
