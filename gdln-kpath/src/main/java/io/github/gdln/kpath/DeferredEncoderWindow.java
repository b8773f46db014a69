package io.github.gdln.kpath;

import io.github.gdln.core.util.DirectElements;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The deferred encoder update of {@link KPathModel#trainWindow} and {@link KPathModel#trainWindowPerDomain}: SGD with
 * momentum on the encoders for a window of w steps with weights and momenta read and written once per window instead
 * of once per step.
 *
 * <p><b>Why it is exact.</b> With the permutations folded, every domain's encoder sees the same batch, so the encoder
 * gradient of step k is {@code g_k = A_k X_k} with {@code A_k} = dL/dZ^T [M*H x b] and {@code X_k} the batch [b x D].
 * SGD with momentum ({@code v <- mu v + g; E <- E - lr v}) is linear in the gradients; from the window's start
 * ({@code E_0}, {@code V_0}), after s steps
 * <pre>
 *   V_s = mu^s V_0 + sum_{k<s} mu^(s-1-k) A_k X_k
 *   E_s = E_0 - lr a_s V_0 - lr sum_{k<s} c_(s-1-k) A_k X_k,   a_s = mu + ... + mu^s,  c_n = 1 + mu + ... + mu^n
 * </pre>
 * so the forward of step s is {@code X_s E_s^T = P_s - lr a_s Q_s - lr sum_{k<s} c_(s-1-k) (X_s X_k^T) A_k^T} with
 * {@code P = X E_0^T} and {@code Q = X V_0^T} computed for the whole window by two gemms at its start (the window's
 * batches are known in advance), and a correction by the pending low-rank terms of the steps already taken: one gemm
 * [b x s*b] x [s*b x M*H] with coefficients from the window's Gram matrix {@code X X^T}. Everything per step is
 * step-major: P, Q and the pending dL/dZ hold step s as the contiguous [b x rows] block s, in the layout of the step's
 * encoder outputs (sample-major), so the step reads and writes them in single contiguous runs. At the end,
 * {@code E -= lr a_w V}, then E and V each get one gemm with inner dimension w*b. Per window the encoder weights and
 * momenta are streamed 9 times (2 forward reads, axpy 3, two gemms 2 each) instead of 6 times per step; the work
 * becomes compute-bound: four encoder-sized gemm units per step (P, Q, E, V; the plain step has two, at memory speed),
 * which is the least this exact scheme can do, because each step's batch must meet both E_0 and V_0 (their weights in
 * E_s differ from step to step) and both must receive every step's rank-b update. Everything else of the model
 * (hidden layer, decoders, biases) keeps the plain step.
 *
 * <p><b>Per-domain inputs.</b> With a batch per domain (rotations) domain i's gradient is {@code A_i X_i} with its own
 * {@code X_i}: still rank b per domain, so the same algebra holds domain by domain, with batched gemms over the
 * block's domains and one Gram matrix per domain (a fifth encoder-sized unit per step at w*b = H). The pending terms
 * (H wide) are scaled per step rather than the batches (D wide). Measured at M = 40: 1.09x-1.13x the plain per-domain
 * step, at M = 100 1.2x (gdln-benchmarks/README.md).
 *
 * <p>Each array is split into the model's fixed blocks of input domains; every per-block operation touches only its
 * rows; the small matrices a block needs (Gram, scaled batches, correction coefficients) are computed by the caller
 * when they are shared (folded inputs) and by the block itself when they are its domains' own, so the numbers do not
 * depend on how many threads run the blocks. Float32 rounding differs from the plain step (the
 * same sums in another order); in float64 the two agree within 1e-10 relative after 1,000 steps (tests).
 */
final class DeferredEncoderWindow {
    private final int b;
    private final int maxSteps;
    private final double lr;
    private final double mu;
    /** Whether every domain sees the same batch (folded permutations), else each domain its own (per-domain). */
    private final boolean shared;
    /** First input domain of each block and one past the last. */
    private final int[] blockBounds;
    /** Encoder rows of each block: [rows x D] when shared, [n x H x D] per domain; momenta alike; flat views. */
    private final INDArray[] enc;
    private final INDArray[] vel;
    private final INDArray[] encFlat;
    private final INDArray[] velFlat;
    /** Per block: groups of rows with their own batch (1 when shared, the block's n domains per domain), rows each. */
    private final int[] groups;
    private final int[] groupRows;
    /**
     * Per block: the window's dL/dZ, step-major per group [G x n*b x r] for a window of n steps (the leading elements
     * of a buffer for the longest): step k's [b x r] in rows k*b .. k*b+b-1, in the layout of the step's encoder
     * outputs (shared: sample-major over the block's rows; per domain: domain-major). Shared, the correction reads only
     * the rows of the steps already taken; per domain it reads all of them with zero coefficients for the later ones,
     * so the block zeroes its rows when a window begins.
     */
    private final INDArray[] pending;
    /** Per block: X E_0^T and X V_0^T per group, [G x n*b x r], step s in rows s*b .. s*b+b-1. */
    private final INDArray[] encTimesX;
    private final INDArray[] velTimesX;
    private final DirectElements[] pendingElements;
    private final DirectElements[] encTimesXElements;
    private final DirectElements[] velTimesXElements;
    /**
     * Per block (shared: one array for all blocks, filled by the caller): the window's batches [G x n*b x D], their
     * Gram matrices [G x n*b x n*b], the current step's correction coefficients [G x b x n*b] (shared: [b x s*b]) and
     * the batches scaled per step for the final gemms (rows of step k times -lr c_(n-1-k), resp. mu^(n-1-k)).
     */
    private final INDArray[] x;
    private final INDArray[] gram;
    private final INDArray[] correction;
    private final INDArray[] xForEnc;
    private final INDArray[] xForVel;
    /**
     * Per domain, per block: the pending dL/dZ scaled per step instead of the batches (H columns instead of D), rows of
     * step k times -lr c_(n-1-k), resp. mu^(n-1-k).
     */
    private final INDArray[] pendingForEnc;
    private final INDArray[] pendingForVel;
    private final DirectElements[] gramElements;
    private final DirectElements[] correctionElements;
    /** Per domain: the window's per-domain batches [M*n*b x D] (domain i in rows i*n*b ..), until the blocks copy them. */
    private INDArray windowInputs;
    private int steps;
    private int step;

    /**
     * @param shared      whether every domain sees the same batch (folded permutations)
     * @param blockBounds the model's blocks of input domains
     * @param enc         the encoder rows of each block (live views of the model's parameters): [rows_t x D] when
     *                    shared, [n_t x H x D] per domain
     * @param vel         the momenta of the same rows, same shapes
     * @param encFlat     the same as flat views (for the axpy)
     * @param velFlat     the same as flat views
     * @param b           batch size of every step of a window
     * @param maxSteps    longest window
     */
    DeferredEncoderWindow(boolean shared, int[] blockBounds, INDArray[] enc, INDArray[] vel, INDArray[] encFlat,
            INDArray[] velFlat, int b, int maxSteps, double lr, double mu) {
        this.shared = shared;
        this.blockBounds = blockBounds.clone();
        this.enc = enc;
        this.vel = vel;
        this.encFlat = encFlat;
        this.velFlat = velFlat;
        this.b = b;
        this.maxSteps = maxSteps;
        this.lr = lr;
        this.mu = mu;
        DataType type = enc[0].dataType();
        long d = enc[0].size(enc[0].rank() - 1);
        long wb = (long) maxSteps * b;
        int blocks = enc.length;
        groups = new int[blocks];
        groupRows = new int[blocks];
        pending = new INDArray[blocks];
        encTimesX = new INDArray[blocks];
        velTimesX = new INDArray[blocks];
        pendingElements = new DirectElements[blocks];
        encTimesXElements = new DirectElements[blocks];
        velTimesXElements = new DirectElements[blocks];
        x = new INDArray[blocks];
        gram = new INDArray[blocks];
        correction = new INDArray[blocks];
        xForEnc = new INDArray[blocks];
        xForVel = new INDArray[blocks];
        pendingForEnc = new INDArray[blocks];
        pendingForVel = new INDArray[blocks];
        gramElements = new DirectElements[blocks];
        correctionElements = new DirectElements[blocks];
        for (int t = 0; t < blocks; t++) {
            groups[t] = shared ? 1 : (int) enc[t].size(0);
            groupRows[t] = (int) (shared ? enc[t].rows() : enc[t].size(1));
            long g = groups[t];
            long r = groupRows[t];
            pending[t] = Nd4j.create(type, g * wb * r);
            encTimesX[t] = Nd4j.create(type, g * wb * r);
            velTimesX[t] = Nd4j.create(type, g * wb * r);
            pendingElements[t] = DirectElements.of(pending[t]);
            encTimesXElements[t] = DirectElements.of(encTimesX[t]);
            velTimesXElements[t] = DirectElements.of(velTimesX[t]);
            if (shared && t > 0) {
                x[t] = x[0];
                gram[t] = gram[0];
                correction[t] = correction[0];
                xForEnc[t] = xForEnc[0];
                xForVel[t] = xForVel[0];
            } else {
                x[t] = Nd4j.create(type, g * wb * d);
                gram[t] = Nd4j.create(type, g * wb * wb);
                correction[t] = Nd4j.create(type, g * b * wb);
                if (shared) {
                    xForEnc[t] = Nd4j.create(type, wb * d);
                    xForVel[t] = Nd4j.create(type, wb * d);
                }
            }
            if (!shared) {
                pendingForEnc[t] = Nd4j.create(type, g * wb * r);
                pendingForVel[t] = Nd4j.create(type, g * wb * r);
            }
            gramElements[t] = DirectElements.of(gram[t]);
            correctionElements[t] = DirectElements.of(correction[t]);
        }
    }

    /** Whether this window fits batches of b images, windows of {@code steps} steps and the same kind of inputs. */
    boolean fits(int batch, int windowSteps, boolean sharedInputs) {
        return batch == b && windowSteps <= maxSteps && sharedInputs == shared;
    }

    /** Whether every domain sees the same batch (the folded step), else each its own. */
    boolean sharedInputs() {
        return shared;
    }

    /**
     * Starts a window of {@code n} steps (caller, before the blocks) over {@code xs}: shared, the batches [n*b x D]
     * (copied, and their Gram matrix computed here); per domain, [M*n*b x D] with domain i in rows i*n*b .. (each
     * block copies its domains in {@link #beginBlock}).
     */
    void begin(INDArray xs, int n) {
        steps = n;
        step = 0;
        long nb = (long) n * b;
        if (shared) {
            INDArray xw = view(x[0], nb, x0Columns());
            xw.assign(xs);
            Nd4j.gemm(xw, xw, view(gram[0], nb, nb), false, true, 1.0, 0.0);
        } else {
            windowInputs = xs;
        }
    }

    /** Block t of {@link #begin}: (per domain) its batches and Gram matrices, then X E_0^T and X V_0^T. */
    void beginBlock(int t) {
        long nb = (long) steps * b;
        long d = x0Columns();
        long r = groupRows[t];
        if (shared) {
            INDArray xw = view(x[0], nb, d);
            Nd4j.gemm(xw, enc[t], view(encTimesX[t], nb, r), false, true, 1.0, 0.0);
            Nd4j.gemm(xw, vel[t], view(velTimesX[t], nb, r), false, true, 1.0, 0.0);
            return;
        }
        long g = groups[t];
        INDArray x3 = view(x[t], g, nb, d);
        view(x[t], g * nb, d).assign(KPathLayout.rows(windowInputs, blockBounds[t] * nb, blockBounds[t + 1] * nb));
        view(pending[t], g * nb * r).assign(0);
        Nd4j.exec(new Mmul(x3, x3, view(gram[t], g, nb, nb), 1.0, 0.0, TRANSPOSE_B));
        Nd4j.exec(new Mmul(x3, enc[t], view(encTimesX[t], g, nb, r), 1.0, 0.0, TRANSPOSE_B));
        Nd4j.exec(new Mmul(x3, vel[t], view(velTimesX[t], g, nb, r), 1.0, 0.0, TRANSPOSE_B));
    }

    /** The current step's shared correction coefficients (caller, before the step's blocks; per domain: nothing). */
    void prepareStep() {
        if (step >= steps) {
            throw new IllegalStateException("window of " + steps + " steps already complete");
        }
        if (shared) {
            int sb = step * b;
            fillCorrection(gramElements[0], 0, correctionElements[0], 0, sb);
        }
    }

    /**
     * Correction coefficients of the current step s from one Gram matrix at {@code gramBase}: {@code out[q*width +
     * k*b + r] = -lr c_(s-1-k) (X X^T)[k*b + r, s*b + q]} for k < s, zero for the columns from s*b to width.
     */
    private void fillCorrection(DirectElements g, int gramBase, DirectElements out, int outBase, int width) {
        int s = step;
        int nb = steps * b;
        int sb = s * b;
        for (int k = 0; k < s; k++) {
            double coef = -lr * geometric(s - 1 - k);
            for (int r = 0; r < b; r++) {
                int gRow = gramBase + (k * b + r) * nb + sb;
                for (int q = 0; q < b; q++) {
                    out.set(outBase + q * width + k * b + r, coef * g.get(gRow + q));
                }
            }
        }
        for (int q = 0; q < b; q++) {
            for (int col = sb; col < width; col++) {
                out.set(outBase + q * width + col, 0.0);
            }
        }
    }

    /**
     * Encoder forward of the current step for block t: z = X_s E_s^T, [b x rows] when shared, [n x b x H] per domain
     * (the step's domain-major encoder outputs, without bias).
     */
    void forward(int t, INDArray z) {
        int s = step;
        int g = groups[t];
        int r = groupRows[t];
        int nb = steps * b;
        DirectElements zn = DirectElements.of(z);
        DirectElements p = encTimesXElements[t];
        DirectElements q = velTimesXElements[t];
        double coef = -lr * mu * geometric(s - 1);
        int run = b * r;
        for (int k = 0; k < g; k++) {
            int src = k * nb * r + s * run;
            int dst = k * run;
            for (int e = 0; e < run; e++) {
                zn.set(dst + e, p.get(src + e) + coef * q.get(src + e));
            }
        }
        if (s == 0) {
            return;
        }
        int sb = s * b;
        if (shared) {
            Nd4j.gemm(view(correction[0], b, sb), view(pending[t], sb, r), z, false, false, 1.0, 1.0);
            return;
        }
        DirectElements corr = correctionElements[t];
        for (int k = 0; k < g; k++) {
            fillCorrection(gramElements[t], k * nb * nb, corr, k * b * nb, nb);
        }
        Nd4j.exec(new Mmul(view(correction[t], g, b, nb), view(pending[t], g, nb, r), z.reshape('c', g, b, r), 1.0,
                1.0, MMulTranspose.allFalse()));
    }

    /** Block t's dL/dZ of the current step is written here when shared, at element {@link #pendingOffset}. */
    DirectElements pendingElements(int t) {
        return pendingElements[t];
    }

    /** Element offset of the current step's [b x rows] in {@link #pendingElements}{@code (t)} (shared). */
    int pendingOffset(int t) {
        return step * b * groupRows[t];
    }

    /** Per domain: keeps block t's dL/dZ of the current step, [n x b x H] from element {@code base} of {@code dz}. */
    void record(int t, DirectElements dz, int base) {
        int r = groupRows[t];
        int nb = steps * b;
        int run = b * r;
        DirectElements out = pendingElements[t];
        for (int k = 0; k < groups[t]; k++) {
            int dst = k * nb * r + step * run;
            int src = base + k * run;
            for (int e = 0; e < run; e++) {
                out.set(dst + e, dz.get(src + e));
            }
        }
    }

    /** Ends the current step (caller, after the step's blocks). */
    void endStep() {
        step++;
    }

    /** The shared batches scaled for {@link #materialiseBlock} (caller, after the last step; per domain: nothing). */
    void prepareMaterialise() {
        if (step != steps) {
            throw new IllegalStateException("window ended after " + step + " of " + steps + " steps");
        }
        if (shared) {
            long d = x0Columns();
            for (int k = 0; k < steps; k++) {
                INDArray xk = view(x[0], (long) steps * b, d).get(NDArrayIndex.interval((long) k * b,
                        (long) (k + 1) * b), NDArrayIndex.all());
                KPathLayout.rows(view(xForEnc[0], (long) steps * b, d), (long) k * b, (long) (k + 1) * b).assign(xk)
                        .muli(encCoefficient(k));
                KPathLayout.rows(view(xForVel[0], (long) steps * b, d), (long) k * b, (long) (k + 1) * b).assign(xk)
                        .muli(velCoefficient(k));
            }
        }
    }

    /** Weight of step k's rank-b term in the window's weight update: -lr c_(n-1-k). */
    private double encCoefficient(int k) {
        return -lr * geometric(steps - 1 - k);
    }

    /** Weight of step k's rank-b term in the window's momentum update: mu^(n-1-k). */
    private double velCoefficient(int k) {
        return Math.pow(mu, steps - 1 - k);
    }

    /** Block t of the materialisation: E = E_0 - lr a_n V_0 + sum ..., V = mu^n V_0 + sum ... . */
    void materialiseBlock(int t) {
        int n = steps;
        double aN = mu * geometric(n - 1);
        Nd4j.getBlasWrapper().level1().axpy(encFlat[t].length(), -lr * aN, velFlat[t], encFlat[t]);
        long nb = (long) n * b;
        long d = x0Columns();
        long r = groupRows[t];
        if (shared) {
            INDArray a = view(pending[t], nb, r);
            Nd4j.gemm(a, view(xForEnc[0], nb, d), enc[t], true, false, 1.0, 1.0);
            Nd4j.gemm(a, view(xForVel[0], nb, d), vel[t], true, false, 1.0, Math.pow(mu, n));
            return;
        }
        // per domain the pending terms (H wide) are cheaper to scale than the batches (D wide)
        DirectElements a = pendingElements[t];
        DirectElements ae = DirectElements.of(pendingForEnc[t]);
        DirectElements av = DirectElements.of(pendingForVel[t]);
        int run = b * (int) r;
        for (int g = 0; g < groups[t]; g++) {
            for (int k = 0; k < n; k++) {
                double ce = encCoefficient(k);
                double cv = velCoefficient(k);
                int base = (g * n + k) * run;
                for (int e = base; e < base + run; e++) {
                    double v = a.get(e);
                    ae.set(e, ce * v);
                    av.set(e, cv * v);
                }
            }
        }
        long g = groups[t];
        INDArray x3 = view(x[t], g, nb, d);
        Nd4j.exec(new Mmul(view(pendingForEnc[t], g, nb, r), x3, enc[t], 1.0, 1.0, TRANSPOSE_A));
        Nd4j.exec(new Mmul(view(pendingForVel[t], g, nb, r), x3, vel[t], 1.0, Math.pow(mu, n), TRANSPOSE_A));
    }

    private static final MMulTranspose TRANSPOSE_A = MMulTranspose.builder().transposeA(true).build();
    private static final MMulTranspose TRANSPOSE_B = MMulTranspose.builder().transposeB(true).build();

    /** Input width D. */
    private long x0Columns() {
        return enc[0].size(enc[0].rank() - 1);
    }

    /** The leading elements of a flat buffer as a contiguous 'c' array of {@code shape}. */
    private static INDArray view(INDArray flat, long... shape) {
        return KPathLayout.view(flat, 0, shape);
    }

    /** c_n = 1 + mu + ... + mu^n (0 for n < 0), summed term by term (exact for mu = 0, no 1 - mu division). */
    private double geometric(int n) {
        double sum = 0;
        double term = 1;
        for (int q = 0; q <= n; q++) {
            sum += term;
            term *= mu;
        }
        return sum;
    }
}
