package io.github.gdln.plugins.routing;

import io.github.gdln.api.Context;
import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.RoutingData;
import io.github.gdln.api.TaskData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of a k-path routing task (docs/theory.md §4.1), both as a generic {@link TaskData} and through the
 * {@link RoutingData} view that selects the fused k-path trainer.
 *
 * <p>Nodes: {@code in0..in<M-1>} (width D, the inputs of each input domain, transformed on the fly) and
 * {@code out0..out<M-1>} (width C, one-hot targets after output domain j's relabeling). Contexts: all M² pathways
 * {@link Context#route(int, int) i->j}, in the order i-major (context index {@code i*M + j}). Loss: softmax
 * cross-entropy, averaged over the trained contexts (the reference's {@code Σ G_ij loss_ij / Σ G}).
 */
public final class RoutingTaskData implements TaskData, RoutingData {

    private final String description;
    private final DomainInputs inputs;
    private final int[] labels;
    private final int classes;
    private final int[][] relabelings;
    private final RoutingTaskData test;
    private final List<Context> contexts;
    private final Map<String, Integer> inputWidths;
    private final Map<String, Integer> outputWidths;

    /**
     * Creates the data of one split.
     *
     * @param description what the data is, for messages (e.g. {@code "mnist train, 10 permuted domains"})
     * @param inputs      the M input domains over N base samples
     * @param labels      N class labels in [0, classes)
     * @param classes     C
     * @param relabelings M relabelings of C classes (output domains); {@code [j][c]} is class c's label in domain j
     * @param test        the held-out split (same domains and relabelings), or null
     */
    public RoutingTaskData(String description, DomainInputs inputs, int[] labels, int classes, int[][] relabelings,
                           RoutingTaskData test) {
        this.description = Objects.requireNonNull(description, "description");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.labels = labels.clone();
        this.classes = classes;
        int m = inputs.domains();
        if (labels.length != inputs.count()) {
            throw new IllegalArgumentException(description + ": " + labels.length + " labels for " + inputs.count()
                    + " samples");
        }
        if (classes < 2) {
            throw new IllegalArgumentException(description + ": classes must be >= 2, got " + classes);
        }
        for (int s = 0; s < labels.length; s++) {
            if (labels[s] < 0 || labels[s] >= classes) {
                throw new IllegalArgumentException(description + ": label " + labels[s] + " of sample " + s
                        + " outside [0, " + classes + ")");
            }
        }
        if (relabelings.length != m) {
            throw new IllegalArgumentException(description + ": " + relabelings.length
                    + " output domains (relabelings) for " + m + " input domains");
        }
        this.relabelings = new int[m][];
        for (int j = 0; j < m; j++) {
            if (relabelings[j].length != classes) {
                throw new IllegalArgumentException(description + ": relabeling " + j + " has "
                        + relabelings[j].length + " entries, expected " + classes);
            }
            this.relabelings[j] = relabelings[j].clone();
        }
        this.test = test;
        List<Context> cs = new ArrayList<>(m * m);
        Map<String, Integer> in = new LinkedHashMap<>();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            in.put(inputNode(i), inputs.width());
            out.put(outputNode(i), classes);
            for (int j = 0; j < m; j++) {
                cs.add(Context.route(i, j));
            }
        }
        contexts = Collections.unmodifiableList(cs);
        inputWidths = Collections.unmodifiableMap(in);
        outputWidths = Collections.unmodifiableMap(out);
    }

    /** Name of the input node of domain i ({@code in<i>}, as the routing architecture names it). */
    public static String inputNode(int i) {
        return "in" + i;
    }

    /** Name of the output node of domain j ({@code out<j>}). */
    public static String outputNode(int j) {
        return "out" + j;
    }

    /** What this data is, for messages and provenance. */
    public String description() {
        return description;
    }

    /** The input domains. */
    public DomainInputs inputs() {
        return inputs;
    }

    // ------------------------------------------------------------------------------------------ TaskData

    @Override
    public int sampleCount() {
        return labels.length;
    }

    @Override
    public Map<String, Integer> inputWidths() {
        return inputWidths;
    }

    @Override
    public Map<String, Integer> outputWidths() {
        return outputWidths;
    }

    @Override
    public List<Context> contexts() {
        return contexts;
    }

    @Override
    public void input(String node, int[] samples, double[] out) {
        int i = domainOf(node, "in", inputWidths);
        int d = inputs.width();
        checkOut(node, samples, out, d);
        float[] buf = new float[samples.length * d];
        inputs.fill(i, samples, buf);
        for (int k = 0; k < buf.length; k++) {
            out[k] = buf[k];
        }
    }

    @Override
    public void target(String node, int[] samples, double[] out) {
        int j = domainOf(node, "out", outputWidths);
        checkOut(node, samples, out, classes);
        java.util.Arrays.fill(out, 0, samples.length * classes, 0.0);
        for (int s = 0; s < samples.length; s++) {
            out[s * classes + relabelings[j][labels[Objects.checkIndex(samples[s], labels.length)]]] = 1.0;
        }
    }

    @Override
    public Loss loss() {
        return new Loss(LossKind.SOFTMAX_CROSS_ENTROPY, 1.0, true);
    }

    @Override
    public Optional<TaskData> test() {
        return Optional.ofNullable(test);
    }

    /** The held-out split as routing data, when there is one. */
    public Optional<RoutingTaskData> testSplit() {
        return Optional.ofNullable(test);
    }

    // ------------------------------------------------------------------------------------------ RoutingData

    @Override
    public int domains() {
        return inputs.domains();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int inputWidth() {
        return inputs.width();
    }

    @Override
    public void domainInputs(int domain, int[] samples, float[] out) {
        inputs.fill(domain, samples, out);
    }

    @Override
    public int[] labels(int[] samples) {
        int[] out = new int[samples.length];
        for (int s = 0; s < samples.length; s++) {
            out[s] = labels[Objects.checkIndex(samples[s], labels.length)];
        }
        return out;
    }

    @Override
    public int[] relabeling(int domain) {
        return relabelings[Objects.checkIndex(domain, relabelings.length)].clone();
    }

    @Override
    public Optional<int[]> permutation(int domain) {
        return inputs.permutation(domain);
    }

    @Override
    public void baseInputs(int[] samples, float[] out) {
        inputs.base(samples, out);
    }

    private int domainOf(String node, String prefix, Map<String, Integer> nodes) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException(description + ": no node '" + node + "'; the " + prefix
                    + "put nodes are " + prefix + "0.." + prefix + (domains() - 1));
        }
        return Integer.parseInt(node.substring(prefix.length()));
    }

    private void checkOut(String node, int[] samples, double[] out, int width) {
        if (out.length < samples.length * width) {
            throw new IllegalArgumentException(description + ": buffer for node '" + node + "' holds " + out.length
                    + " values, " + samples.length + " samples x " + width + " need " + (samples.length * width));
        }
    }

    @Override
    public String toString() {
        return "RoutingTaskData[" + description + ", N=" + sampleCount() + ", M=" + domains() + "]";
    }
}
