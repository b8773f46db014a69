package io.github.gdln.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.gdln.core.testing.RandomGatedProblem;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.Node;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Propagator;
import io.github.gdln.core.graph.CompiledGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The path-form gradient (docs/theory.md §1.4) from path statistics against the engine's backprop, float64: relative
 * error of the gradient below 1e-10 (both are exact; only rounding differs), objective and per-context losses (trained
 * and untrained) equal to 1e-10 relative. Random gated graphs have branches, merges, skip edges and binary node and
 * edge gates, constant and per sample, and mixed loss normalisations (sum and mean over contexts, scale ½ and 1/3).
 */
class PathGradientTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void pathFormGradientEqualsBackpropOnRandomGatedGraphs(long seed) {
        Loss loss = seed % 2 == 0 ? Loss.halfSquaredError() : new Loss(LossKind.SQUARED_ERROR, 1.0 / 3, true);
        RandomGatedProblem p = new RandomGatedProblem(seed, loss, 7);
        compare(p.task, p.net);
    }

    @Test
    void pathFormGradientEqualsBackpropOnTheRoutingToy() {
        Simulation sim = TheoryFixtures.routingToy(new InitSpec("orthogonal", 0.5), 3);
        compare(sim.task(), sim.network());
    }

    private static void compare(BoundTask task, GatedNetwork net) {
        int[] all = IntStream.range(0, task.data().sampleCount()).toArray();
        Propagator prop = new Propagator(task, DataType.DOUBLE);
        INDArray backprop = net.newGradient();
        double objective = prop.objective(net, all, backprop);
        StatisticsObjective stats = StatisticsObjective.of(task);
        INDArray path = net.newGradient();
        double fromStats = stats.objective(net, path);
        double[] a = backprop.toDoubleVector();
        double[] b = path.toDoubleVector();
        assertThat(norm(b)).as("non-trivial gradient").isGreaterThan(1e-3);
        assertThat(relative(b, a)).isLessThan(1e-10);
        assertThat(fromStats).isCloseTo(objective, within(1e-10 * Math.abs(objective)));
        assertThat(stats.objective(net, null)).isCloseTo(objective, within(1e-10 * Math.abs(objective)));
        Propagator.Pass pass = prop.evaluate(net, all);
        double[] engine = new double[task.contextCount()];
        for (int k = 0; k < pass.contexts().length; k++) {
            engine[pass.contexts()[k]] = pass.loss()[k];
        }
        assertThat(TheoryFixtures.maxRelative(stats.contextLosses(net), engine)).isLessThan(1e-10);
        // the docs/theory.md §1.4 form itself: ∂L/∂W_e = −κ Σ_p W_t̄ᵀ ℰ(p) W_s̄ᵀ, edge by edge via the sub-path
        // accessors
        Paths paths = stats.statistics().paths();
        double[][][] w = Paths.weights(net);
        GatedNetwork gradNet = new GatedNetwork(task.graph(), DataType.DOUBLE);
        gradNet.parameters().assign(backprop);
        for (int e = 0; e < task.graph().edgeCount(); e++) {
            double[][] sum = new double[w[e].length][w[e][0].length];
            for (int p : paths.through(e)) {
                double[][] err = PathGradient.error(stats.statistics(), w, p);
                Dense.addScaled(sum, 1, Dense.mulTB(Dense.mulTA(paths.subsequentWeight(p, e, w), err),
                        paths.antecedentWeight(p, e, w)));
            }
            double[][] engineGrad = gradNet.weightMatrix(e);
            double k = -stats.statistics().gradientFactor();
            for (int r = 0; r < sum.length; r++) {
                for (int c = 0; c < sum[r].length; c++) {
                    assertThat(k * sum[r][c]).isCloseTo(engineGrad[r][c], within(1e-10 * Math.max(1, norm(a))));
                }
            }
        }
    }

    @Test
    void routingPathSetsHaveThePathCountsOfSlide19() {
        Simulation sim = TheoryFixtures.routingToy(new InitSpec("orthogonal", 0.2), 1);
        CompiledGraph g = sim.graph();
        Paths paths = Paths.of(g);
        assertThat(paths.size()).isEqualTo(49);
        assertThat(paths.through(g.edgeIndex("enc3"))).hasSize(7);
        assertThat(paths.through(g.edgeIndex("dec0"))).hasSize(7);
        assertThat(paths.through(g.edgeIndex("shared1"))).hasSize(49);
        assertThat(paths.sameTarget(0)).hasSize(7);
        Path p = paths.path(paths.through(g.edgeIndex("enc2"))[0]);
        int shared = g.edgeIndex("shared1");
        assertThat(p.antecedent(shared)).containsExactly(g.edgeIndex("enc2"));
        assertThat(p.subsequent(shared)).hasSize(1);
        // the gate of path 2 -> j in context (2, j) is 1, in any other context 0
        for (int c = 0; c < sim.task().contextCount(); c++) {
            double expected = c == 2 * 7 + g.node(p.target()).name().charAt(3) - '0' ? 1 : 0;
            assertThat(paths.gate(p.index(), sim.task().gates(c))[0]).isEqualTo(expected);
        }
    }

    @Test
    void tooManyPathsFailNamingTheCount() {
        // a chain of 40 diamonds has 2^40 paths
        List<Node> nodes = new ArrayList<>(List.of(new Node("v0", 1)));
        List<Edge> edges = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            nodes.add(new Node("a" + k, 1));
            nodes.add(new Node("b" + k, 1));
            nodes.add(new Node("v" + (k + 1), 1));
            edges.add(new Edge("x" + k, "v" + k, "a" + k));
            edges.add(new Edge("y" + k, "v" + k, "b" + k));
            edges.add(new Edge("z" + k, "a" + k, "v" + (k + 1)));
            edges.add(new Edge("w" + k, "b" + k, "v" + (k + 1)));
        }
        CompiledGraph g = new CompiledGraph(new Graph(nodes, edges, List.of("v0"), List.of("v40")));
        assertThat(Paths.count(g)).isEqualTo(1L << 40);
        assertThatThrownBy(() -> Paths.of(g)).hasMessageContaining("1099511627776").hasMessageContaining("cap");
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double relative(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(d) / norm(b);
    }
}
