package io.github.gdln.core.testing;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.tasks.InMemoryTaskData;
import io.github.gdln.core.util.Matrices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A random gated graph with branches, merges and skip edges, random data, and contexts with random binary node and
 * edge gates (some constant, some per sample), with n samples: the shared fixture of the engine's gradient checks and
 * the theory's path-form checks.
 */
public final class RandomGatedProblem {
    public final CompiledGraph graph;
    public final BoundTask task;
    public final GatedNetwork net;

    public RandomGatedProblem(long seed, Loss loss, int n) {
        this(seed, loss, n, false);
    }

    /**
     * A random problem; with {@code biases}, about two edges in three carry a random bias (drawn from a separate
     * stream, so the rest of the problem is the one of the same seed without biases).
     */
    public RandomGatedProblem(long seed, Loss loss, int n, boolean biases) {
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom biasRng = new SplittableRandom(~seed);
        int hidden = 4;
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("x0", 3));
        nodes.add(new Node("x1", 2));
        for (int h = 0; h < hidden; h++) {
            nodes.add(new Node("h" + h, 2 + rng.nextInt(3)));
        }
        nodes.add(new Node("y0", 3));
        nodes.add(new Node("y1", 2));
        List<Edge> edges = new ArrayList<>();
        // every hidden/output node gets one edge from an earlier node, plus random extra (skip/merge) edges
        for (int t = 2; t < nodes.size(); t++) {
            int lo = 0;
            int hi = Math.min(t, 2 + hidden);
            int s = lo + rng.nextInt(hi - lo);
            edges.add(new Edge("e" + edges.size(), nodes.get(s).name(), nodes.get(t).name(),
                    biases && biasRng.nextDouble() < 0.67));
            for (int s2 = 0; s2 < hi; s2++) {
                if (s2 != s && rng.nextDouble() < 0.35) {
                    edges.add(new Edge("e" + edges.size(), nodes.get(s2).name(), nodes.get(t).name(),
                            biases && biasRng.nextDouble() < 0.67));
                }
            }
        }
        Graph spec = new Graph(nodes, edges, List.of("x0", "x1"), List.of("y0", "y1"));
        graph = new CompiledGraph(spec);

        Map<String, double[][]> inputs = new HashMap<>();
        inputs.put("x0", Matrices.gaussian(rng, n, 3));
        inputs.put("x1", Matrices.gaussian(rng, n, 2));
        Map<String, double[][]> targets = new HashMap<>();
        targets.put("y0", target(rng, n, 3, loss));
        targets.put("y1", target(rng, n, 2, loss));
        int contextCount = 4;
        List<Context> contexts = new ArrayList<>();
        List<Gates> gates = new ArrayList<>();
        for (int c = 0; c < contextCount; c++) {
            contexts.add(new Context("c" + c, Map.of()));
            Map<String, double[]> ng = new HashMap<>();
            Map<String, double[]> eg = new HashMap<>();
            for (Node v : nodes) {
                ng.put(v.name(), randomGate(rng, n));
            }
            for (Edge e : edges) {
                eg.put(e.name(), randomGate(rng, n));
            }
            gates.add(new Gates(ng, eg));
        }
        InMemoryTaskData data = new InMemoryTaskData(inputs, targets, contexts, loss);
        task = new BoundTask(graph, data, new GatingScheme.Gating() {
            @Override
            public Gates gates(int context) {
                return gates.get(context);
            }

            @Override
            public boolean trained(int context) {
                return context != contextCount - 1; // one untrained context
            }
        });
        net = new GatedNetwork(graph, DataType.DOUBLE);
        for (int e = 0; e < graph.edgeCount(); e++) {
            double[][] w = Matrices.gaussian(rng, graph.width(graph.target(e)), graph.width(graph.source(e)));
            net.setWeight(e, w);
            if (net.bias(e) != null) {
                net.bias(e).assign(org.nd4j.linalg.factory.Nd4j.create(Matrices.gaussian(biasRng, 1,
                        graph.width(graph.target(e)))));
            }
        }
    }

    private static double[][] target(SplittableRandom rng, int n, int width, Loss loss) {
        if (!loss.classifies()) {
            return Matrices.gaussian(rng, n, width);
        }
        double[][] y = new double[n][width];
        for (double[] row : y) {
            row[rng.nextInt(width)] = 1;
        }
        return y;
    }

    /** Mostly open constant gates, some closed, some binary per sample. */
    private static double[] randomGate(SplittableRandom rng, int n) {
        double u = rng.nextDouble();
        if (u < 0.6) {
            return new double[] {1};
        }
        if (u < 0.75) {
            return new double[] {0};
        }
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = rng.nextBoolean() ? 1 : 0;
        }
        return g;
    }
}
