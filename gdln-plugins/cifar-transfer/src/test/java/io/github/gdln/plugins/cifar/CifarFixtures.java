package io.github.gdln.plugins.cifar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Tiny CIFAR-10-format files and a small random DL4J network, made in the test. */
final class CifarFixtures {
    private CifarFixtures() {
    }

    /** data_batch_1..5.bin with {@code perBatch} records each and test_batch.bin with {@code test} records. */
    static Path write(Path dir, int perBatch, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), records(perBatch, r));
        }
        Files.write(dir.resolve("test_batch.bin"), records(test, r));
        return dir;
    }

    private static byte[] records(int n, SplittableRandom r) {
        byte[] out = new byte[n * 3073];
        for (int s = 0; s < n; s++) {
            int label = r.nextInt(10);
            out[s * 3073] = (byte) label;
            for (int k = 1; k < 3073; k++) {
                // a class-dependent mean so that a few steps can learn something
                int v = (k % 10 == label ? 200 : 40) + r.nextInt(40);
                out[s * 3073 + k] = (byte) v;
            }
        }
        return out;
    }

    /** conv1 (4 3x3 filters) -> pool1 (2x2 max) -> dense (12 units) -> out; random init; saved as a zip. */
    static Path network(Path file) throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1")
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(12).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        ModelSerializer.writeModel(net, file.toFile(), false);
        return file;
    }
}
