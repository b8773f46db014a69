package io.github.gdln.core.engine;

import io.github.gdln.core.graph.CompiledGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The weights of a gated deep linear network on a compiled graph. All weights live in one flat parameter vector;
 * W_e (n_t(e) x n_s(e), row-major) is a view into it, so optimisers and the gradient flow update every weight with a
 * single operation and gradients have the same flat layout ({@link #newGradient()}).
 */
public final class GatedNetwork {
    private final CompiledGraph graph;
    private final DataType dataType;
    private final INDArray parameters;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final long[] offsets;
    private final long[] biasOffsets;

    /** A network with all weights zero. */
    public GatedNetwork(CompiledGraph graph, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, was " + dataType);
        }
        this.graph = graph;
        this.dataType = dataType;
        int edges = graph.edgeCount();
        this.offsets = new long[edges + 1];
        for (int e = 0; e < edges; e++) {
            offsets[e + 1] = offsets[e] + (long) graph.width(graph.target(e)) * graph.width(graph.source(e));
        }
        this.biasOffsets = new long[edges + 1];
        biasOffsets[0] = offsets[edges];
        for (int e = 0; e < edges; e++) {
            biasOffsets[e + 1] = biasOffsets[e] + (graph.hasBias(e) ? graph.width(graph.target(e)) : 0);
        }
        this.parameters = Nd4j.zeros(dataType, 1, biasOffsets[edges]);
        this.weights = views(parameters);
        this.biases = biasViews(parameters);
    }

    /**
     * Views of a flat vector with this network's layout as one bias row (1 x n_t) per edge, null for an edge without
     * bias. The biases follow all weights in the flat layout.
     */
    public INDArray[] biasViews(INDArray flat) {
        checkLength(flat);
        INDArray[] b = new INDArray[graph.edgeCount()];
        for (int e = 0; e < b.length; e++) {
            if (graph.hasBias(e)) {
                b[e] = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(biasOffsets[e], biasOffsets[e + 1]))
                        .reshape('c', 1, graph.width(graph.target(e)));
            }
        }
        return b;
    }

    private void checkLength(INDArray flat) {
        if (flat.length() != biasOffsets[graph.edgeCount()]) {
            throw new IllegalArgumentException("flat vector has " + flat.length() + " entries; the network has "
                    + biasOffsets[graph.edgeCount()] + " parameters");
        }
    }

    /** b_e (1 x n_t), a live view into {@link #parameters()}, or null when edge e has no bias. */
    public INDArray bias(int e) {
        return biases[e];
    }

    /** Views of a flat vector with this network's layout as one matrix per edge. */
    public INDArray[] views(INDArray flat) {
        checkLength(flat);
        INDArray[] w = new INDArray[graph.edgeCount()];
        for (int e = 0; e < w.length; e++) {
            INDArray slice = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offsets[e], offsets[e + 1]));
            w[e] = slice.reshape('c', graph.width(graph.target(e)), graph.width(graph.source(e)));
        }
        return w;
    }

    /** A zero vector with the layout of the parameters (for gradients, momenta). */
    public INDArray newGradient() {
        return Nd4j.zeros(dataType, 1, parameters.length());
    }

    public CompiledGraph graph() {
        return graph;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The flat parameter vector (1 x P); a live view: writing it changes the weights. */
    public INDArray parameters() {
        return parameters;
    }

    /** W_e, a live view into {@link #parameters()}. */
    public INDArray weight(int e) {
        return weights[e];
    }

    /** W_e by edge name. */
    public INDArray weight(String edge) {
        return weights[graph.edgeIndex(edge)];
    }

    /** Copies {@code values} (n_t x n_s) into W_e, checking the shape. */
    public void setWeight(int e, double[][] values) {
        int rows = graph.width(graph.target(e));
        int cols = graph.width(graph.source(e));
        if (values.length != rows || (rows > 0 && values[0].length != cols)) {
            throw new IllegalArgumentException("edge '" + graph.edge(e).name() + "': weight must be " + rows + " x "
                    + cols + ", was " + values.length + " x " + (values.length == 0 ? 0 : values[0].length));
        }
        weights[e].assign(Nd4j.create(values).castTo(dataType));
    }

    /** W_e as a double matrix (copy). */
    public double[][] weightMatrix(int e) {
        return weights[e].castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** A deep copy (same graph, same data type, copied weights). */
    public GatedNetwork copy() {
        GatedNetwork c = new GatedNetwork(graph, dataType);
        c.parameters.assign(parameters);
        return c;
    }

    /** A copy in another precision. */
    public GatedNetwork withDataType(DataType type) {
        GatedNetwork c = new GatedNetwork(graph, type);
        c.parameters.assign(parameters.castTo(type));
        return c;
    }
}
