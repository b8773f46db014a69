package io.github.gdln.core.theory;

import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.train.Trajectory;
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
 * {@link PathStatistics} alone (docs/theory.md §1.4), so that after the statistics are built once a gradient step costs
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
    private final PathAlgebra algebra;
    /** Per context: active paths, their flat Σ^yx_c(p), and the co-active pairs (j, p) with flat Σ^x_c(j, p). */
    private final int[][] ctxPaths;
    private final double[][][] ctxYx;
    private final int[][][] ctxPairs;
    private final double[][][] ctxX;

    public StatisticsObjective(PathStatistics stats) {
        this.stats = stats;
        this.graph = stats.paths().graph();
        this.algebra = new PathAlgebra(stats);
        int nc = stats.task().contextCount();
        int np = stats.paths().size();
        ctxPaths = new int[nc][];
        ctxYx = new double[nc][][];
        ctxPairs = new int[nc][][];
        ctxX = new double[nc][][];
        for (int c = 0; c < nc; c++) {
            PathStatistics.ContextStatistics cs = stats.context(c);
            int[] act = cs.activePaths();
            ctxPaths[c] = act.clone();
            ctxYx[c] = new double[act.length][];
            for (int k = 0; k < act.length; k++) {
                ctxYx[c][k] = PathAlgebra.flatten(cs.yx().get(act[k]));
            }
            java.util.List<int[]> pairs = new java.util.ArrayList<>();
            java.util.List<double[]> xs = new java.util.ArrayList<>();
            for (int p : act) {
                for (int j : act) {
                    double[][] x = cs.x().get((long) j * np + p);
                    if (x != null) {
                        pairs.add(new int[] {j, p});
                        xs.add(PathAlgebra.flatten(x));
                    }
                }
            }
            ctxPairs[c] = pairs.toArray(new int[0][]);
            ctxX[c] = xs.toArray(new double[0][]);
        }
    }

    /** Builds the statistics of {@code task} once (one pass over its samples). */
    public static StatisticsObjective of(BoundTask task) {
        return new StatisticsObjective(PathStatistics.of(task));
    }

    public PathStatistics statistics() {
        return stats;
    }

    /** The flat weights of {@code net} (one bulk copy of its parameter vector), split per edge. */
    private double[][] weights(GatedNetwork net) {
        INDArray params = net.parameters();
        double[] flat = params.dataType() == DataType.DOUBLE ? params.toDoubleVector()
                : params.castTo(DataType.DOUBLE).toDoubleVector();
        return algebra.split(flat);
    }

    /**
     * The full-batch training objective of {@code net}; when {@code gradient} is not null its gradient is added
     * to it (flat layout of {@link GatedNetwork#newGradient()}).
     */
    public double objective(GatedNetwork net, INDArray gradient) {
        double[][] w = weights(net);
        double[][] pre = algebra.prefixes(w);
        double[] flat = gradient == null ? null : new double[algebra.parameterCount()];
        double fit = algebra.flow(w, pre, flat, -stats.gradientFactor());
        if (gradient != null) {
            INDArray g = Nd4j.createFromArray(flat).reshape(1, flat.length);
            gradient.addi(gradient.dataType() == DataType.DOUBLE ? g : g.castTo(gradient.dataType()));
        }
        return stats.contextWeight() * stats.scale() * (stats.trainedTargetEnergy() - fit);
    }

    /**
     * The objective and its gradient for flat float64 parameters (engine layout), without touching a network: the
     * form used by gradient-flow integrators. {@code gradient} (length P) is overwritten with ∂L/∂θ.
     */
    public double objective(double[] parameters, double[] gradient) {
        double[][] w = algebra.split(parameters);
        double[][] pre = algebra.prefixes(w);
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0);
        }
        double fit = algebra.flow(w, pre, gradient, -stats.gradientFactor());
        return stats.contextWeight() * stats.scale() * (stats.trainedTargetEnergy() - fit);
    }

    /** The loss of every context (trained and untrained), on the engine's scale. */
    public double[] contextLosses(GatedNetwork net) {
        return contextLosses(algebra.prefixes(weights(net)));
    }

    private double[] contextLosses(double[][] pre) {
        double[] loss = new double[ctxPaths.length];
        for (int c = 0; c < loss.length; c++) {
            double fit = 0;
            int[] act = ctxPaths[c];
            for (int k = 0; k < act.length; k++) {
                fit += 2 * PathAlgebra.dot(algebra.pathWeight(pre, act[k]), ctxYx[c][k]);
            }
            int[][] pairs = ctxPairs[c];
            for (int k = 0; k < pairs.length; k++) {
                int j = pairs[k][0];
                int p = pairs[k][1];
                double[] wjx = PathAlgebra.mul(algebra.pathWeight(pre, j), algebra.rows(j), algebra.cols(j),
                        ctxX[c][k], algebra.cols(p));
                fit -= PathAlgebra.dot(algebra.pathWeight(pre, p), wjx);
            }
            loss[c] = stats.scale() * (stats.context(c).targetEnergy() - fit);
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
            sv.put(edge, SingularValues.leading(net.weightMatrix(graph.edgeIndex(edge)), singularValues));
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
