package io.github.gdln.plugins.cifar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Features from a user-supplied Deeplearning4j network truncated at a named layer: the activations of that layer in
 * inference mode, flattened per image. The network is a {@link ModelSerializer} zip ({@code .zip}: a
 * MultiLayerNetwork or a ComputationGraph) or a Keras HDF5 file ({@code .h5}/{@code .hdf5}, imported with DL4J's
 * Keras model import: Sequential first, then functional). Needs {@code deeplearning4j-nn} (and for Keras
 * {@code deeplearning4j-modelimport}) on the application class path.
 *
 * <p>Input layout ({@code feature-input}): {@code nchw} feeds [n, channels, rows, cols] (DL4J's default), {@code nhwc}
 * [n, rows, cols, channels] (Keras channels_last), {@code flat} [n, channels*rows*cols].
 */
public final class Dl4jFeatureExtractor implements FeatureExtractor {

    /** How images are laid out for the network. */
    public enum Layout { NCHW, NHWC, FLAT }

    private final Path file;
    private final String sha256;
    private final String layer;
    private final Layout layout;
    private final int channels;
    private final int rows;
    private final int cols;
    private final MultiLayerNetwork mln;
    private final int mlnIndex;
    private final ComputationGraph graph;
    private final int width;

    /**
     * Loads the network and finds the layer.
     *
     * @throws IOException              if the file cannot be read or is not a DL4J/Keras model (message names it)
     * @throws IllegalArgumentException if the layer does not exist (message lists the layer names)
     */
    public Dl4jFeatureExtractor(Path file, String layer, Layout layout, int channels, int rows, int cols)
            throws IOException {
        this.file = file;
        this.layer = layer;
        this.layout = layout;
        this.channels = channels;
        this.rows = rows;
        this.cols = cols;
        if (!Files.isRegularFile(file)) {
            throw new IOException("feature model " + file + " does not exist or is not a file");
        }
        sha256 = sha256(file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean keras = name.endsWith(".h5") || name.endsWith(".hdf5");
        MultiLayerNetwork m = null;
        ComputationGraph g = null;
        try {
            if (keras) {
                try {
                    m = KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
                } catch (Exception notSequential) {
                    g = KerasModelImport.importKerasModelAndWeights(file.toString(), false);
                }
            } else {
                try {
                    m = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
                } catch (Exception notMln) {
                    g = ModelSerializer.restoreComputationGraph(file.toFile(), false);
                }
            }
        } catch (Exception e) {
            throw new IOException("feature model " + file + " is neither a DL4J ModelSerializer zip nor a Keras HDF5"
                    + " model DL4J can import: " + e.getMessage(), e);
        }
        mln = m;
        graph = g;
        List<String> names = new ArrayList<>();
        int index = -1;
        if (mln != null) {
            Layer[] layers = mln.getLayers();
            for (int k = 0; k < layers.length; k++) {
                String ln = layers[k].conf().getLayer().getLayerName();
                names.add(ln);
                if (layer.equals(ln)) {
                    index = k;
                }
            }
        } else {
            for (String v : graph.getConfiguration().getTopologicalOrderStr()) {
                names.add(v);
                if (layer.equals(v)) {
                    index = 0;
                }
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("feature model " + file + " has no layer '" + layer
                    + "'; its layers are " + names);
        }
        mlnIndex = index;
        float[] probe = features(new float[channels * rows * cols], 1);
        width = probe.length;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public float[] features(float[] images, int n) {
        int f = channels * rows * cols;
        INDArray x = Nd4j.create(java.util.Arrays.copyOf(images, n * f), new long[] {n, channels, rows, cols})
                .castTo(DataType.FLOAT);
        INDArray in = switch (layout) {
            case NCHW -> x;
            case NHWC -> x.permute(0, 2, 3, 1).dup('c');
            case FLAT -> x.reshape('c', n, f);
        };
        INDArray out;
        if (mln != null) {
            List<INDArray> acts = mln.feedForwardToLayer(mlnIndex, in, false);
            out = acts.get(mlnIndex + 1);
        } else {
            Map<String, INDArray> acts = graph.feedForward(in, false);
            out = acts.get(layer);
        }
        return out.reshape('c', n, out.length() / n).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    @Override
    public String identity() {
        return "dl4j model sha256=" + sha256 + " layer=" + layer + " input=" + layout.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Dl4jFeatureExtractor[" + file + ", layer " + layer + ", width " + width + "]";
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
