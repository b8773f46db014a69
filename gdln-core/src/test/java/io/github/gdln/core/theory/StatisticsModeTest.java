package io.github.gdln.core.theory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.core.testing.RandomGatedProblem;
import io.github.gdln.api.Loss;
import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.Trainer;
import io.github.gdln.core.train.TrainerSettings;
import io.github.gdln.core.train.TrainerSettings.Gradient;
import io.github.gdln.core.train.TrainerSettings.Method;
import io.github.gdln.core.train.Trajectory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Statistics mode (the trainer option {@code gradient = STATISTICS}) against sample backprop, float64: the same
 * full-batch trajectory (losses at every epoch and final weights within 1e-9 relative), gradient flow within the
 * ODE tolerance, and the conservation law of docs/theory.md §1.5 along a gradient-flow trajectory.
 */
class StatisticsModeTest {

    @Test
    void fullBatchFromStatisticsFollowsTheSampleTrajectoryOnTheRoutingToy() {
        TrainerSettings s = TrainerSettings.fullBatch(40, 0.02).tracking(List.of("enc0", "shared1", "dec0"), 4);
        Simulation a = TheoryFixtures.routingToy(new InitSpec("orthogonal", 0.2), 5);
        Simulation b = TheoryFixtures.routingToy(new InitSpec("orthogonal", 0.2), 5);
        Trajectory ta = a.train(s, p -> { });
        Trajectory tb = b.train(s.withGradient(Gradient.STATISTICS), p -> { });
        assertSame(ta, tb, a.network(), b.network());
        assertThat(tb.last().untrainedLoss()).isPresent();
    }

    @Test
    void fullBatchFromStatisticsFollowsTheSampleTrajectoryOnRandomGatedGraphs() {
        for (long seed = 1; seed <= 4; seed++) {
            RandomGatedProblem a = new RandomGatedProblem(seed, Loss.halfSquaredError(), 9);
            RandomGatedProblem b = new RandomGatedProblem(seed, Loss.halfSquaredError(), 9);
            TrainerSettings s = TrainerSettings.fullBatch(40, 0.01);
            Trajectory ta = new Trainer(s).train(a.net, a.task, 1, p -> { });
            Trajectory tb = new Trainer(s.withGradient(Gradient.STATISTICS)).train(b.net, b.task, 1, p -> { });
            assertSame(ta, tb, a.net, b.net);
        }
    }

    @Test
    void gradientFlowFromStatisticsMatchesSampleGradientFlow() {
        RandomGatedProblem a = new RandomGatedProblem(3, Loss.halfSquaredError(), 9);
        RandomGatedProblem b = new RandomGatedProblem(3, Loss.halfSquaredError(), 9);
        TrainerSettings s = new TrainerSettings(Method.GRADIENT_FLOW, 5, 0.01, 0, 1, 5, 1e-11, List.of(), 0);
        Trajectory ta = new Trainer(s).train(a.net, a.task, 1, p -> { });
        Trajectory tb = new Trainer(s.withGradient(Gradient.STATISTICS)).train(b.net, b.task, 1, p -> { });
        assertThat(TheoryFixtures.maxRelative(tb.losses(), ta.losses())).isLessThan(1e-8);
        assertThat(TheoryFixtures.maxRelative(b.net.parameters().toDoubleVector(),
                a.net.parameters().toDoubleVector())).isLessThan(1e-8);
    }

    @Test
    void statisticsNeedFullBatchOrFlow() {
        assertThatThrownBy(() -> new TrainerSettings(Method.SGD, 1, 0.1, 0, 2, 1, 1e-8, List.of(), 0,
                Gradient.STATISTICS)).hasMessageContaining("statistics").hasMessageContaining("sgd");
    }

    /**
     * docs/theory.md §1.5: Q_v = Σ_{e into v} W_e W_eᵀ − Σ_{e out of v} W_eᵀ W_e is constant under gradient flow at
     * every hidden node (any gating). Checked every epoch of a gradient-flow run (ODE tolerance 1e-12) to 1e-8 relative
     * to the largest term, while the weights themselves move by O(1).
     */
    @Test
    void hiddenNodeBalanceIsConservedAlongGradientFlow() {
        for (long seed : new long[] {2}) {
            RandomGatedProblem p = new RandomGatedProblem(seed, Loss.halfSquaredError(), 9);
            CompiledGraph g = p.graph;
            List<double[][][]> q = new ArrayList<>();
            double[] start = p.net.parameters().toDoubleVector();
            TrainerSettings s = new TrainerSettings(Method.GRADIENT_FLOW, 20, 0.02, 0, 1, 1, 1e-12, List.of(), 0);
            new Trainer(s).train(p.net, p.task, 1, new Trainer.Listener() {
                @Override
                public void measured(Trajectory.Point point) {
                }

                @Override
                public boolean stopAfter(int epoch, GatedNetwork net, INDArray momentum) {
                    q.add(balance(g, net));
                    return false;
                }
            });
            double[] end = p.net.parameters().toDoubleVector();
            assertThat(TheoryFixtures.maxRelative(end, start)).as("weights moved").isGreaterThan(0.05);
            double[][][] q0 = q.get(0);
            for (double[][][] qt : q) {
                for (int v = 0; v < q0.length; v++) {
                    if (q0[v] == null) {
                        continue;
                    }
                    double[][] d = Dense.copy(qt[v]);
                    Dense.addScaled(d, -1, q0[v]);
                    assertThat(Dense.frobenius(d)).isLessThan(1e-8 * Math.max(1, Dense.frobenius(q0[v])));
                }
            }
        }
    }

    static double[][][] balance(CompiledGraph g, GatedNetwork net) {
        double[][][] q = new double[g.nodeCount()][][];
        boolean[] output = new boolean[g.nodeCount()];
        for (int o : g.outputs()) {
            output[o] = true;
        }
        for (int v = 0; v < g.nodeCount(); v++) {
            if (g.isInput(v) || output[v]) {
                continue;
            }
            double[][] m = new double[g.width(v)][g.width(v)];
            for (int e : g.inEdges(v)) {
                double[][] w = net.weightMatrix(e);
                Dense.addScaled(m, 1, Dense.mulTB(w, w));
            }
            for (int e : g.outEdges(v)) {
                double[][] w = net.weightMatrix(e);
                Dense.addScaled(m, -1, Dense.mulTA(w, w));
            }
            q[v] = m;
        }
        return q;
    }

    private static void assertSame(Trajectory ta, Trajectory tb, GatedNetwork a, GatedNetwork b) {
        assertThat(tb.points()).hasSameSizeAs(ta.points());
        double scale = Math.abs(ta.points().get(0).loss());
        for (int i = 0; i < ta.points().size(); i++) {
            Trajectory.Point pa = ta.points().get(i);
            Trajectory.Point pb = tb.points().get(i);
            assertThat(Math.abs(pb.loss() - pa.loss())).isLessThan(1e-9 * scale);
            for (int c = 0; c < pa.contextLoss().length; c++) {
                assertThat(Math.abs(pb.contextLoss()[c] - pa.contextLoss()[c])).isLessThan(1e-9 * scale);
            }
            pa.singularValues().forEach((e, sv) ->
                    assertThat(TheoryFixtures.maxRelative(pb.singularValues().get(e), sv)).isLessThan(1e-9));
        }
        assertThat(TheoryFixtures.maxRelative(b.parameters().toDoubleVector(), a.parameters().toDoubleVector()))
                .isLessThan(1e-9);
    }
}
