package io.github.gdln.plugins.it;

import io.github.gdln.cli.plugins.PluginLoader;
import io.github.gdln.kpath.KPathRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.api.RoutingData;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Both plugin jars in one plugins folder; cifar-transfer trains on raw pixels and on DL4J features. */
class CifarTransferPluginIT {

    @TempDir
    Path plugins;
    @TempDir
    Path data;

    static void cifar(Path dir, int perBatch, int test) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(4);
        for (int b = 0; b <= 5; b++) {
            int n = b == 0 ? test : perBatch;
            byte[] out = new byte[n * 3073];
            for (int s = 0; s < n; s++) {
                out[s * 3073] = (byte) r.nextInt(10);
                for (int k = 1; k < 3073; k++) {
                    out[s * 3073 + k] = (byte) r.nextInt(256);
                }
            }
            Files.write(dir.resolve(b == 0 ? "test_batch.bin" : "data_batch_" + b + ".bin"), out);
        }
    }

    static Path network(Path file) throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(3, 3).name("conv").nOut(2).build())
                .layer(new DenseLayer.Builder().name("features").nOut(6).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        ModelSerializer.writeModel(net, file.toFile(), false);
        return file;
    }

    private static KPathRun.EpochMetrics train(PluginLoader.Loaded p, TaskData d) {
        KPathRun.Settings s = KPathRun.Settings.from(Components.params(p.loader(), "gdln.trainer.kpath",
                "trainer kpath", Map.of("epochs", 1, "hidden-width", 8, "learning-rate", 0.01)));
        RoutingData r = (RoutingData) d;
        return new KPathRun(r, (RoutingData) d.test().orElseThrow(),
                KPathRun.routingGate("K_plus_mod", 2, true, r.domains(), 2), s, 2).run(null).get(0);
    }

    @Test
    void bothPluginsLoadAndCifarTransferTrainsOnPixelsAndOnFeatures() throws Exception {
        Files.copy(PluginJars.built("gdln-plugin-mnist-routing"), plugins.resolve("mnist-routing.jar"));
        Files.copy(PluginJars.built("gdln-plugin-cifar-transfer"), plugins.resolve("cifar-transfer.jar"));
        cifar(data.resolve("cifar10"), 4, 6);
        PluginLoader.Scan r = PluginHost.load(plugins, "0.1.0");
        assertThat(r.errors()).isEmpty();
        assertThat(r.plugins()).extracting(PluginLoader.Loaded::id).containsExactly("cifar-transfer", "mnist-routing");
        PluginLoader.Loaded p = r.plugin("cifar-transfer");
        Task task = p.tasks().stream().filter(t -> t.name().equals("cifar-transfer")).findFirst().orElseThrow();
        // each plugin has its own copy of the shaded support classes
        assertThat(p.loader().loadClass("io.github.gdln.plugins.routing.RoutingTaskData"))
                .isNotSameAs(r.plugin("mnist-routing").loader().loadClass("io.github.gdln.plugins.routing.RoutingTaskData"));

        TaskData raw = task.load(Components.params(p.loader(), "gdln.task.cifar-transfer", "task cifar-transfer",
                Map.of("data-dir", data.resolve("cifar10").toString(), "domains", 3)), 1);
        assertThat(((RoutingData) raw).inputWidth()).isEqualTo(3072);
        assertThat(train(p, raw).test().orElseThrow().trainedAccuracy()).isPresent();

        Path model = network(data.resolve("net.zip"));
        TaskData features = task.load(Components.params(p.loader(), "gdln.task.cifar-transfer", "task cifar-transfer",
                Map.of("data-dir", data.resolve("cifar10").toString(), "domains", 3, "feature-model",
                        model.toString(), "feature-layer", "features", "cache-dir", data.resolve("cache").toString())),
                1);
        assertThat(((RoutingData) features).inputWidth()).isEqualTo(6);
        assertThat(train(p, features).train().trainedAccuracy()).isPresent();
        assertThat(data.resolve("cache")).isNotEmptyDirectory();
    }
}
