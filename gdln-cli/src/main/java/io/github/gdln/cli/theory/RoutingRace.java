package io.github.gdln.cli.theory;

import io.github.gdln.api.LossKind;
import io.github.gdln.api.TaskData;
import io.github.gdln.cli.config.RunConfig;
import io.github.gdln.core.Simulation;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.train.TrainerSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The neural race reduction of the routing network (THEORY.md 3.2): one scalar three-layer network per singular
 * mode s of YᵀX,
 * <pre>
 *   db1/dt = (K/M²) b3 b2 (s − b1b2b3),  db2/dt = (K/M) b3 b1 (s − b1b2b3),  db3/dt = (K/M²) b2 b1 (s − b1b2b3),
 * </pre>
 * all starting at b0, in theory time t = epoch · lr · 2M²/(P·N_out): one Euler step per epoch for full-batch descent
 * (its exact reduced counterpart), fine Runge-Kutta steps for gradient flow. Predicted loss per context
 * (1/(P·N_out)) Σ_α (s_α − b1b2b3)², total loss M·K times that; singular values b1 (encoders), b2 (the shared
 * edge), b3 (decoders); fixed points b2*(b2*² + c0) = M s, b1* = b3* = √((b2*² + c0)/M), c0 = (M − 1) b0².
 *
 * <p>Exact for the aligned start ({@code init.scheme = aligned}, b0 = scale); for a small orthogonal start it uses
 * THEORY's empirical b0 = σ0/2.5. Covers the routing architecture with two hidden layers, routing gating whose
 * trained-pair matrix has the same K in every row and column, whitened inputs (XᵀX = I) shared by every domain,
 * squared error, and full-batch descent or gradient flow.
 *
 * <p>A stand-in kept small on purpose: when gdln-core's theory package offers this reduction, it replaces this class.
 */
final class RoutingRace implements TheoryOverlay {
    private static final int STEPS_PER_EPOCH = 20;

    @Override
    public Optional<String> declines(RunConfig c) {
        if (!c.model().name().equals("routing") || !c.gating().name().equals("routing")) {
            return Optional.of("the routing race reduction covers model=routing with gating=routing only");
        }
        Object layers = c.model().params().get("hidden-layers");
        if (!(layers instanceof Number n) || n.intValue() != 2) {
            return Optional.of("the routing race reduction covers two hidden layers (model.hidden-layers=2)");
        }
        if (c.trainer().method() == TrainerSettings.Method.SGD) {
            return Optional.of("the reduction describes full-batch descent or gradient flow, not SGD");
        }
        String scheme = c.init().scheme();
        if (!scheme.equals("aligned") && !scheme.equals("orthogonal")) {
            return Optional.of("the reduction needs an aligned or orthogonal start, not " + scheme);
        }
        return Optional.empty();
    }

    @Override
    public Optional<Prediction> predict(RunConfig c, Simulation sim) {
        BoundTask task = sim.task();
        TaskData data = task.data();
        if (data.loss().kind() != LossKind.SQUARED_ERROR) {
            return Optional.empty();
        }
        int m = (int) data.inputWidths().keySet().stream().filter(k -> k.startsWith("in")).count();
        int p = data.sampleCount();
        int nIn = data.inputWidths().get("in0");
        int nOut = data.outputWidths().get("out0");
        int[] all = java.util.stream.IntStream.range(0, p).toArray();
        double[] x = new double[p * nIn];
        double[] y = new double[p * nOut];
        data.input("in0", all, x);
        data.target("out0", all, y);
        // every domain must share the data, inputs whitened (XᵀX = I)
        for (int i = 1; i < m; i++) {
            double[] xi = new double[p * nIn];
            double[] yi = new double[p * nOut];
            data.input("in" + i, all, xi);
            data.target("out" + i, all, yi);
            if (!java.util.Arrays.equals(x, xi) || !java.util.Arrays.equals(y, yi)) {
                return Optional.empty();
            }
        }
        double[][] xtx = new double[nIn][nIn];
        double[][] yx = new double[nOut][nIn];
        for (int s = 0; s < p; s++) {
            for (int a = 0; a < nIn; a++) {
                for (int b = 0; b < nIn; b++) {
                    xtx[a][b] += x[s * nIn + a] * x[s * nIn + b];
                }
                for (int o = 0; o < nOut; o++) {
                    yx[o][a] += y[s * nOut + o] * x[s * nIn + a];
                }
            }
        }
        for (int a = 0; a < nIn; a++) {
            for (int b = 0; b < nIn; b++) {
                if (Math.abs(xtx[a][b] - (a == b ? 1 : 0)) > 1e-9) {
                    return Optional.empty();
                }
            }
        }
        int k = uniformK(task, m);
        if (k <= 0) {
            return Optional.empty();
        }
        double[] s = new SingularValueDecomposition(new Array2DRowRealMatrix(yx)).getSingularValues();
        double b0 = c.init().scheme().equals("aligned") ? c.init().scale() : c.init().scale() / 2.5;
        double c0 = (m - 1) * b0 * b0;
        double lr = c.trainer().learningRate();
        double dtPerEpoch = lr * 2.0 * m * m / (p * nOut);
        int every = c.trainer().measureEvery();
        int epochs = c.trainer().epochs();
        int count = epochs / every + 1 + (epochs % every == 0 ? 0 : 1);
        double[] ep = new double[count];
        double[] loss = new double[count];
        double[] ctx = new double[count];
        double[] untrained = new double[count];
        int modes = s.length;
        double[][] b1 = new double[modes][count];
        double[][] b2 = new double[modes][count];
        double[][] b3 = new double[modes][count];
        double[][] state = new double[modes][];
        for (int a = 0; a < modes; a++) {
            state[a] = new double[] {b0, b0, b0};
        }
        boolean anyUntrained = task.untrainedContexts().length > 0;
        // full-batch descent is the Euler discretisation of the reduced flow with one step per epoch (THEORY 3.2:
        // dt = lr * 2M^2/(P N_out)); gradient flow is integrated finely
        boolean discrete = c.trainer().method() == TrainerSettings.Method.FULL_BATCH;
        int row = 0;
        for (int e = 0; e <= epochs; e++) {
            if (e % every == 0 || e == epochs) {
                double err = 0;
                for (int a = 0; a < modes; a++) {
                    double u = state[a][0] * state[a][1] * state[a][2];
                    err += (s[a] - u) * (s[a] - u);
                    b1[a][row] = state[a][0];
                    b2[a][row] = state[a][1];
                    b3[a][row] = state[a][2];
                }
                ep[row] = e;
                ctx[row] = err / (p * nOut);
                loss[row] = (double) m * k * ctx[row];
                untrained[row] = anyUntrained ? ctx[row] : Double.NaN;
                row++;
            }
            if (e < epochs) {
                for (int a = 0; a < modes; a++) {
                    if (discrete) {
                        double[] d = deriv(state[a], s[a], k, m);
                        for (int i = 0; i < 3; i++) {
                            state[a][i] += dtPerEpoch * d[i];
                        }
                    } else {
                        for (int step = 0; step < STEPS_PER_EPOCH; step++) {
                            rk4(state[a], s[a], k, m, dtPerEpoch / STEPS_PER_EPOCH);
                        }
                    }
                }
            }
        }
        Map<String, double[][]> sv = new LinkedHashMap<>();
        Map<String, double[]> fixed = new LinkedHashMap<>();
        double[] fix2 = new double[modes];
        double[] fix13 = new double[modes];
        for (int a = 0; a < modes; a++) {
            fix2[a] = fixedHidden(s[a], m, c0);
            fix13[a] = Math.sqrt((fix2[a] * fix2[a] + c0) / m);
        }
        for (String edge : c.trainer().trackedEdges()) {
            if (edge.startsWith("enc")) {
                sv.put(edge, b1);
                fixed.put(edge, fix13);
            } else if (edge.startsWith("shared")) {
                sv.put(edge, b2);
                fixed.put(edge, fix2);
            } else if (edge.startsWith("dec")) {
                sv.put(edge, b3);
                fixed.put(edge, fix13);
            }
        }
        String name = "routing race reduction (THEORY 3.2), b0 = " + b0
                + (c.init().scheme().equals("aligned") ? "" : " (sigma0/2.5, approximate for a random start)");
        return Optional.of(new Prediction(name, ep, loss, ctx.clone(), untrained, sv, fixed));
    }

    /** K when every row and column of the trained-pair matrix has K ones, else 0. */
    private static int uniformK(BoundTask task, int m) {
        int[] rows = new int[m];
        int[] cols = new int[m];
        for (int c = 0; c < task.contextCount(); c++) {
            if (task.trained(c)) {
                var ctx = task.data().contexts().get(c);
                rows[ctx.coordinate("in")]++;
                cols[ctx.coordinate("out")]++;
            }
        }
        int k = rows[0];
        for (int i = 0; i < m; i++) {
            if (rows[i] != k || cols[i] != k) {
                return 0;
            }
        }
        return k;
    }

    private static void rk4(double[] b, double s, int k, int m, double h) {
        double[] k1 = deriv(b, s, k, m);
        double[] k2 = deriv(add(b, k1, h / 2), s, k, m);
        double[] k3 = deriv(add(b, k2, h / 2), s, k, m);
        double[] k4 = deriv(add(b, k3, h), s, k, m);
        for (int i = 0; i < 3; i++) {
            b[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
    }

    private static double[] add(double[] b, double[] d, double h) {
        return new double[] {b[0] + h * d[0], b[1] + h * d[1], b[2] + h * d[2]};
    }

    private static double[] deriv(double[] b, double s, int k, int m) {
        double r = s - b[0] * b[1] * b[2];
        double mm = (double) m * m;
        return new double[] {k / mm * b[2] * b[1] * r, (double) k / m * b[2] * b[0] * r, k / mm * b[1] * b[0] * r};
    }

    /** Solves b(b² + c0) = M s for b > 0 by bisection. */
    private static double fixedHidden(double s, int m, double c0) {
        double lo = 0;
        double hi = Math.max(1, Math.cbrt(m * s) + 1);
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (mid * (mid * mid + c0) < m * s) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
