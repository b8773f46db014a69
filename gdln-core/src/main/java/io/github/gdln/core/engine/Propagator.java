package io.github.gdln.core.engine;

import io.github.gdln.api.Loss;
import io.github.gdln.api.LossKind;
import io.github.gdln.core.engine.UnitPlan.Input;
import io.github.gdln.core.engine.UnitPlan.Unit;
import io.github.gdln.core.graph.CompiledGraph;
import io.github.gdln.core.util.SoftmaxCrossEntropy;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact forward and backward propagation of a gated network over a batch of base samples and a set of contexts.
 *
 * <p>Forward (docs/theory.md §1.1): h_v = g_v x_v on inputs, h_v = g_v Σ_{e into v} g_e W_e h_s(e) elsewhere, with
 * samples as rows: H_v = g_v ⊙ Σ_e g_e H_s(e) W_eᵀ. Backward is the transpose of every step: with D_v = ∂L/∂H_v,
 * ∂L/∂W_e += (g_e g_v ⊙ D_v)ᵀ H_s(e) and D_s(e) += (g_e g_v ⊙ D_v) W_e. Each shared unit of the {@link UnitPlan} is
 * computed once and its gradient accumulated from every consumer, so a step costs what the distinct activations
 * cost, not samples x contexts. Gradients are accumulated in place into a flat vector by gemm with beta = 1.
 * A batch's inputs and targets are kept while the batch stays the same (full-batch training fetches them once);
 * a propagator is therefore not safe for use by several threads at once.
 */
public final class Propagator {
    private final BoundTask task;
    private final DataType type;
    /** The inputs and targets of the last batch, reused while the batch is the same (full-batch training). */
    private int[] cachedSamples;
    private final java.util.Map<String, INDArray> cachedData = new java.util.HashMap<>();
    private final java.util.Map<String, double[]> cachedValues = new java.util.HashMap<>();

    /** A propagator for {@code task} computing in {@code type}. */
    public Propagator(BoundTask task, DataType type) {
        this.task = task;
        this.type = type;
    }

    /** Per-context results of a pass: loss per planned context and, for classification, correct counts. */
    public record Pass(int[] contexts, double[] loss, long[] correct, int samples) {
    }

    /**
     * Computes the training objective on {@code samples} (trained contexts only) and, when {@code gradient} is not
     * null, adds its gradient to {@code gradient} (flat layout of {@link GatedNetwork#newGradient()}).
     *
     * @return the objective: Σ (or mean) over trained contexts of the mean per-sample loss
     */
    public double objective(GatedNetwork net, int[] samples, INDArray gradient) {
        Pass pass = run(net, task.trainPlan(), samples, gradient);
        double total = 0;
        for (double l : pass.loss()) {
            total += l;
        }
        return total * task.contextWeight();
    }

    /** Evaluates every context (trained and untrained) on {@code samples}, without gradients. */
    public Pass evaluate(GatedNetwork net, int[] samples) {
        return run(net, task.evalPlan(), samples, null);
    }

    /**
     * Evaluates every context on {@code samples} and adds the gradient of the training objective on them to
     * {@code gradient}, in one forward pass: the evaluation plan starts with the training plan's units (trained
     * contexts first), and only trained contexts send gradients back, so the gradient is bit for bit the one
     * {@link #objective} adds. Full-batch training measures each epoch with the next step's forward pass this way.
     */
    public Pass evaluate(GatedNetwork net, int[] samples, INDArray gradient) {
        return run(net, task.evalPlan(), samples, gradient);
    }

    private Pass run(GatedNetwork net, UnitPlan plan, int[] samples, INDArray gradient) {
        CompiledGraph g = task.graph();
        int b = samples.length;
        List<Unit> units = plan.units();
        GateColumns gates = new GateColumns(task.gateTable(), samples, type);
        INDArray[] h = new INDArray[units.size()];
        for (int u = 0; u < units.size(); u++) {
            Unit unit = units.get(u);
            if (unit.isInput()) {
                INDArray x = fetch(true, g.node(unit.node()).name(), g.width(unit.node()), samples);
                h[u] = gates.gated(x, unit.gate()); // the cached input itself when the gate is open: never written
            } else {
                INDArray a = null;
                for (Input in : unit.inputs()) {
                    a = gates.gemmGated(h[in.source()], net.weight(in.edge()), false, true, in.gate(), a);
                }
                h[u] = gates.applyInPlace(a, unit.gate());
            }
        }
        int[] contexts = plan.contexts();
        double[] loss = new double[contexts.length];
        long[] correct = new long[contexts.length];
        INDArray[] delta = gradient == null ? null : new INDArray[units.size()];
        double weight = task.contextWeight();
        Loss spec = task.loss();
        int[] outputs = g.outputs();
        boolean backward = delta != null;
        for (int k = 0; k < contexts.length; k++) {
            for (int o = 0; o < outputs.length; o++) {
                int u = plan.outputUnit(k, o);
                if (u == UnitPlan.CLOSED) {
                    continue;
                }
                INDArray target = fetch(false, g.node(outputs[o]).name(), g.width(outputs[o]), samples);
                INDArray out = u == UnitPlan.ZERO ? Nd4j.zeros(type, b, g.width(outputs[o])) : h[u];
                INDArray dOut = spec.kind() == LossKind.SQUARED_ERROR
                        ? squaredError(out, target, targetValues(g.node(outputs[o]).name()), spec.scale(), b, loss,
                        k, backward && task.trained(contexts[k]) ? weight : 0)
                        : crossEntropy(out, target, b, loss, correct, k,
                        backward && task.trained(contexts[k]) ? weight : 0);
                if (dOut != null && u != UnitPlan.ZERO) {
                    delta[u] = delta[u] == null ? dOut : delta[u].addi(dOut);
                }
            }
        }
        if (delta != null) {
            backward(net, units, h, delta, gates, net.views(gradient));
        }
        return new Pass(contexts, loss, correct, b);
    }

    private void backward(GatedNetwork net, List<Unit> units, INDArray[] h, INDArray[] delta, GateColumns gates,
                          INDArray[] grad) {
        for (int u = units.size() - 1; u >= 0; u--) {
            Unit unit = units.get(u);
            if (delta[u] == null || unit.isInput()) {
                continue;
            }
            INDArray dA = gates.applyInPlace(delta[u], unit.gate());
            for (Input in : unit.inputs()) {
                INDArray src = h[in.source()];
                // dW_e += (g_e ⊙ dA)ᵀ H_src
                INDArray gated = gates.gated(dA, in.gate());
                Nd4j.gemm(gated, src, grad[in.edge()], true, false, 1.0, 1.0);
                if (!units.get(in.source()).isInput()) { // D_src += (g_e ⊙ dA) W_e, one gemm
                    INDArray d = delta[in.source()];
                    delta[in.source()] = d == null ? gated.mmul(net.weight(in.edge()))
                            : Nd4j.gemm(gated, net.weight(in.edge()), d, false, false, 1.0, 1.0);
                }
            }
        }
    }

    /**
     * Squared error: loss_k += scale Σ (h − y)² / b; returns weight · ∂/∂h = weight · 2 scale (h − y) / b
     * (nothing when {@code weight} is 0, i.e. no gradient is wanted). The sum of squares is taken in Java from the
     * array's buffer (one ND4J operation less per context; none at all when no gradient is wanted).
     */
    private static INDArray squaredError(INDArray out, INDArray target, double[] y, double scale, int b,
                                         double[] loss, int k, double weight) {
        if (weight == 0) {
            double[] h = values(out);
            double sum = 0;
            for (int i = 0; i < h.length; i++) {
                double d = h[i] - y[i];
                sum += d * d;
            }
            loss[k] += scale * sum / b;
            return null;
        }
        INDArray diff = out.sub(target);
        double sum = 0;
        for (double d : values(diff)) {
            sum += d * d;
        }
        loss[k] += scale * sum / b;
        return diff.muli(weight * 2.0 * scale / b);
    }

    /** The entries of {@code x} in row-major order, read from its buffer without an ND4J operation when possible. */
    private static double[] values(INDArray x) {
        INDArray plain = !x.isView() && x.ordering() == 'c' && x.data().length() == x.length() ? x : x.dup('c');
        return plain.data().asDouble();
    }

    /**
     * Softmax cross-entropy averaged over rows ({@link SoftmaxCrossEntropy}: stable for any finite logits); returns
     * weight · ∂/∂logits = weight · (softmax − y) / b. One pass in Java over a double copy of the (small) logits.
     */
    static INDArray crossEntropy(INDArray logits, INDArray target, int b, double[] loss, long[] correct,
                                 int k, double weight) {
        int c = (int) logits.size(1);
        double[] z = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] y = target.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double sum = 0;
        long right = 0;
        for (int r = 0; r < b; r++) {
            int base = r * c;
            if (SoftmaxCrossEntropy.argMax(z, base, c) == SoftmaxCrossEntropy.argMax(y, base, c)) {
                right++;
            }
            sum += SoftmaxCrossEntropy.lossAndGradientInPlace(z, base, c, y, base);
        }
        loss[k] += sum / b;
        correct[k] += right;
        if (weight == 0) {
            return null;
        }
        double factor = weight / b;
        for (int q = 0; q < z.length; q++) {
            z[q] *= factor;
        }
        return Nd4j.createFromArray(z).reshape(b, c).castTo(logits.dataType());
    }

    /** The targets of output {@code node} for the cached batch as row-major doubles (fetched first). */
    private double[] targetValues(String node) {
        return cachedValues.computeIfAbsent(node, n -> values(cachedData.get("y:" + n)));
    }

    /** The inputs (or targets) of {@code node} for {@code samples}, cached while the batch stays the same. */
    private INDArray fetch(boolean input, String node, int width, int[] samples) {
        if (!java.util.Arrays.equals(samples, cachedSamples)) {
            cachedData.clear();
            cachedValues.clear();
            cachedSamples = samples.clone();
        }
        String key = (input ? "x:" : "y:") + node;
        INDArray cached = cachedData.get(key);
        if (cached == null) {
            cached = load(input, node, width, samples);
            cachedData.put(key, cached);
        }
        return cached;
    }

    private INDArray load(boolean input, String node, int width, int[] samples) {
        double[] buf = new double[samples.length * width];
        if (input) {
            task.data().input(node, samples, buf);
        } else {
            task.data().target(node, samples, buf);
        }
        return Nd4j.create(buf, new long[] {samples.length, width}, DataType.DOUBLE).castTo(type);
    }
}
