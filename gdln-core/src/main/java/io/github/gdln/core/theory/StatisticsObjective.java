package io.github.gdln.core.theory;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.Trajectory;
import io.github.gdln.core.util.Matrices;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Statistics mode: the engine's full-batch objective, its gradient and the per-context losses computed from
 * {@link PathStatistics} alone (THEORY.md 1.3), so that after the statistics are built once a gradient step costs
 * the same for any number of samples N.
 *
 * <ul>
 *   <li>objective L = w scale [Σ_{trained c} C_c − Σ_p tr(W_pᵀ (2 Σ^yx(p) − F(p)))], F(p) = Σ_{j∈𝒯(p)} W_j Σ^x(j,p);</li>
 *   <li>gradient ∂L/∂W_e = −κ Σ_{p∈𝒫(e)} W_t̄ᵀ ℰ(p) W_s̄ᵀ, κ = 2 scale w ({@link PathGradient});</li>
 *   <li>loss of context c: scale [C_c − Σ_{p active in c} tr(W_pᵀ (2 Σ^yx_c(p) − F_c(p)))].</li>
 * </ul>
 * These equal the sample-based values exactly up to float64 rounding (the measured losses carry the cancellation
 * error of the expansion, about 1e-16 × C_c absolute). Squared-error tasks only.
 */
public final class StatisticsObjective {
    private final PathStatistics stats;
    private final CompiledGraph graph;

    public StatisticsObjective(PathStatistics stats) {
        this.stats = stats;
        this.graph = stats.paths().graph();
    }

    /** Builds the statistics of {@code task} once (one pass over its samples). */
    public static StatisticsObjective of(BoundTask task) {
        return new StatisticsObjective(PathStatistics.of(task));
    }

    public PathStatistics statistics() {
        return stats;
    }

    /**
     * The full-batch training objective of {@code net}; when {@code gradient} is not null its gradient is added
     * to it (flat layout of {@link GatedNetwork#newGradient()}).
     */
    public double objective(GatedNetwork net, INDArray gradient) {
        double[][][] w = Paths.weights(net);
        double[][][][] pre = PathGradient.prefixes(stats.paths(), w);
        double fit = 0;
        if (gradient != null) {
            double[][][] errors = new double[stats.paths().size()][][];
            double[][][] flow = PathGradient.flow(stats, w, pre, errors);
            for (int p = 0; p < errors.length; p++) {
                // 2Σyx − F = Σyx + ℰ
                double[][] wp = PathGradient.pathWeight(pre, p);
                fit += Dense.dot(wp, stats.yx(p)) + Dense.dot(wp, errors[p]);
            }
            addFlat(gradient, flow, -stats.gradientFactor());
        } else {
            for (int p = 0; p < stats.paths().size(); p++) {
                double[][] wp = PathGradient.pathWeight(pre, p);
                fit += 2 * Dense.dot(wp, stats.yx(p)) - Dense.dot(wp, PathGradient.predicted(stats, pre, p));
            }
        }
        return stats.contextWeight() * stats.scale() * (stats.trainedTargetEnergy() - fit);
    }

    private void addFlat(INDArray gradient, double[][][] g, double factor) {
        double[] flat = new double[(int) graph.parameterCount()];
        int k = 0;
        for (double[][] m : g) {
            for (double[] row : m) {
                for (double v : row) {
                    flat[k++] = factor * v;
                }
            }
        }
        gradient.addi(Nd4j.create(flat, new long[] {1, flat.length}, DataType.DOUBLE).castTo(gradient.dataType()));
    }

    /** The loss of every context (trained and untrained), on the engine's scale. */
    public double[] contextLosses(GatedNetwork net) {
        return contextLosses(stats, PathGradient.prefixes(stats.paths(), Paths.weights(net)));
    }

    static double[] contextLosses(PathStatistics stats, double[][][][] pre) {
        int np = stats.paths().size();
        double[] loss = new double[stats.task().contextCount()];
        for (int c = 0; c < loss.length; c++) {
            PathStatistics.ContextStatistics cs = stats.context(c);
            double fit = 0;
            for (int p : cs.activePaths()) {
                double[][] wp = PathGradient.pathWeight(pre, p);
                fit += 2 * Dense.dot(wp, cs.yx().get(p));
                for (int j : cs.activePaths()) {
                    double[][] x = cs.x().get((long) j * np + p);
                    if (x != null) {
                        fit -= Dense.dot(wp, Dense.mul(PathGradient.pathWeight(pre, j), x));
                    }
                }
            }
            loss[c] = stats.scale() * (cs.targetEnergy() - fit);
        }
        return loss;
    }

    /**
     * A measurement like the sample-based {@code Measurer}'s, from the statistics: objective, mean trained and
     * untrained per-context loss, loss per context and the leading singular values of the tracked edges.
     */
    public Trajectory.Point measure(GatedNetwork net, double epoch, List<String> trackedEdges, int singularValues) {
        double[] loss = contextLosses(net);
        Map<String, double[]> sv = new LinkedHashMap<>();
        for (String edge : trackedEdges) {
            double[] s = Matrices.singularValues(net.weightMatrix(graph.edgeIndex(edge)));
            sv.put(edge, Arrays.copyOf(s, Math.min(singularValues, s.length)));
        }
        return point(stats.task(), epoch, loss, sv);
    }

    /** A trajectory point from per-context losses (objective = w Σ_trained loss). */
    static Trajectory.Point point(BoundTask task, double epoch, double[] loss, Map<String, double[]> sv) {
        int[] trained = task.trainedContexts();
        int[] untrained = task.untrainedContexts();
        double objective = task.contextWeight() * Arrays.stream(trained).mapToDouble(c -> loss[c]).sum();
        OptionalDouble tl = Arrays.stream(trained).mapToDouble(c -> loss[c]).average();
        OptionalDouble ul = Arrays.stream(untrained).mapToDouble(c -> loss[c]).average();
        return new Trajectory.Point(epoch, objective, tl.orElseThrow(), ul, OptionalDouble.empty(),
                OptionalDouble.empty(), loss, sv);
    }
}
