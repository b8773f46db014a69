package io.github.gdln.kpath;

import io.github.gdln.core.util.DirectElements;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The deferred encoder update of {@link KPathModel#trainWindow}: SGD with momentum on the folded encoders for a
 * window of w steps with weights and momenta read and written once per window instead of once per step.
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
 * <p><b>Where it does not apply.</b> With per-domain inputs (rotations) domain i's gradient is {@code A_i X_i} with its
 * own {@code X_i}: still rank b per domain block, so the same algebra holds block by block (batched gemms and one
 * Gram matrix per domain), but it is not implemented; {@link KPathRun} uses the plain step there.
 *
 * <p>Each array is split into the model's fixed blocks of input domains; every per-block operation touches only its
 * rows, and the shared small matrices (Gram, scaled batches, correction coefficients) are computed by the caller, so
 * the numbers do not depend on how many threads run the blocks. Float32 rounding differs from the plain step (the
 * same sums in another order); in float64 the two agree within 1e-10 relative after 1,000 steps (tests).
 */
final class DeferredEncoderWindow {
    private final int b;
    private final int maxSteps;
    private final double lr;
    private final double mu;
    private final INDArray[] enc;
    private final INDArray[] vel;
    private final INDArray[] encFlat;
    private final INDArray[] velFlat;
    /**
     * Per block: the window's dL/dZ, step-major [n*b x rows] for a window of n steps (laid out per window in a buffer
     * for the longest): step k's [b x rows] in rows k*b .. k*b+b-1, in the layout of the step's encoder outputs.
     * Only the rows of steps already taken are read.
     */
    private final INDArray[] pending;
    /** Per block: X E_0^T and X V_0^T, [maxSteps*b x rows], step s in rows s*b .. s*b+b-1. */
    private final INDArray[] encTimesX;
    private final INDArray[] velTimesX;
    private final DirectElements[] pendingElements;
    private final DirectElements[] encTimesXElements;
    private final DirectElements[] velTimesXElements;
    /** The window's batches [maxSteps*b x D] and their Gram matrix [maxSteps*b x maxSteps*b]. */
    private final INDArray x;
    private final INDArray gram;
    private final DirectElements gramElements;
    /**
     * Correction of the current step s, the leading [b x s*b] of the buffer: column k*b + r holds
     * -lr c_(s-1-k) X_s X_k^T for the steps k < s already taken.
     */
    private final INDArray correction;
    private final DirectElements correctionElements;
    /** The batches scaled per step for the final gemms: rows of step k times -lr c_(S-1-k), resp. mu^(S-1-k). */
    private final INDArray xForEnc;
    private final INDArray xForVel;
    private int steps;
    private int step;

    /**
     * @param enc      the encoder rows of each block, [rows_t x D] (live views of the model's parameters)
     * @param vel      the momenta of the same rows
     * @param encFlat  the same as flat views (for the axpy)
     * @param velFlat  the same as flat views
     * @param b        batch size of every step of a window
     * @param maxSteps longest window
     */
    DeferredEncoderWindow(INDArray[] enc, INDArray[] vel, INDArray[] encFlat, INDArray[] velFlat, int b,
            int maxSteps, double lr, double mu) {
        this.enc = enc;
        this.vel = vel;
        this.encFlat = encFlat;
        this.velFlat = velFlat;
        this.b = b;
        this.maxSteps = maxSteps;
        this.lr = lr;
        this.mu = mu;
        DataType type = enc[0].dataType();
        long d = enc[0].columns();
        int wb = maxSteps * b;
        int blocks = enc.length;
        pending = new INDArray[blocks];
        encTimesX = new INDArray[blocks];
        velTimesX = new INDArray[blocks];
        pendingElements = new DirectElements[blocks];
        encTimesXElements = new DirectElements[blocks];
        velTimesXElements = new DirectElements[blocks];
        for (int t = 0; t < blocks; t++) {
            long rows = enc[t].rows();
            pending[t] = Nd4j.create(type, wb, rows);
            encTimesX[t] = Nd4j.create(type, wb, rows);
            velTimesX[t] = Nd4j.create(type, wb, rows);
            pendingElements[t] = DirectElements.of(pending[t]);
            encTimesXElements[t] = DirectElements.of(encTimesX[t]);
            velTimesXElements[t] = DirectElements.of(velTimesX[t]);
        }
        x = Nd4j.create(type, wb, d);
        gram = Nd4j.create(type, wb, wb);
        gramElements = DirectElements.of(gram);
        correction = Nd4j.create(type, b, wb);
        correctionElements = DirectElements.of(correction);
        xForEnc = Nd4j.create(type, wb, d);
        xForVel = Nd4j.create(type, wb, d);
    }

    /** Whether this window fits batches of b images and windows of {@code steps} steps. */
    boolean fits(int batch, int windowSteps) {
        return batch == b && windowSteps <= maxSteps;
    }

    /** Starts a window of {@code n} steps over the batches {@code xs} [n*b x D] (copied); caller, before the blocks. */
    void begin(INDArray xs, int n) {
        steps = n;
        step = 0;
        INDArray xw = leading(x, (long) n * b, x.columns());
        xw.assign(xs);
        Nd4j.gemm(xw, xw, leading(gram, (long) n * b, (long) n * b), false, true, 1.0, 0.0);
    }

    /** Block t of {@link #begin}: X E_0^T and X V_0^T for its rows. */
    void beginBlock(int t) {
        long wb = (long) steps * b;
        long rows = enc[t].rows();
        INDArray xw = leading(x, wb, x.columns());
        Nd4j.gemm(xw, enc[t], leading(encTimesX[t], wb, rows), false, true, 1.0, 0.0);
        Nd4j.gemm(xw, vel[t], leading(velTimesX[t], wb, rows), false, true, 1.0, 0.0);
    }

    /** The current step's correction coefficients (caller, before the step's blocks). */
    void prepareStep() {
        if (step >= steps) {
            throw new IllegalStateException("window of " + steps + " steps already complete");
        }
        int s = step;
        int wb = steps * b;
        int sb = s * b;
        for (int k = 0; k < s; k++) {
            double coef = -lr * geometric(s - 1 - k);
            for (int r = 0; r < b; r++) {
                int gRow = (k * b + r) * wb + sb;
                for (int q = 0; q < b; q++) {
                    correctionElements.set(q * sb + k * b + r, coef * gramElements.get(gRow + q));
                }
            }
        }
    }

    /** Encoder forward of the current step for block t: z [b x rows] = X_s E_s^T. */
    void forward(int t, INDArray z) {
        int s = step;
        DirectElements zn = DirectElements.of(z);
        DirectElements p = encTimesXElements[t];
        DirectElements q = velTimesXElements[t];
        double coef = -lr * mu * geometric(s - 1);
        int n = (int) z.length();
        int src = s * n;
        for (int e = 0; e < n; e++) {
            zn.set(e, p.get(src + e) + coef * q.get(src + e));
        }
        if (s > 0) {
            int sb = s * b;
            Nd4j.gemm(leading(correction, b, sb), leading(pending[t], sb, z.columns()), z, false, false, 1.0, 1.0);
        }
    }

    /** Block t's dL/dZ of the current step is written here, at element {@link #pendingOffset} on ([b x rows]). */
    DirectElements pendingElements(int t) {
        return pendingElements[t];
    }

    /** Element offset of the current step's [b x rows] in {@link #pendingElements}{@code (t)}. */
    int pendingOffset(int t) {
        return step * b * (int) enc[t].rows();
    }

    /** Ends the current step (caller, after the step's blocks). */
    void endStep() {
        step++;
    }

    /** Scales the window's batches for {@link #materialiseBlock} (caller, after the last step). */
    void prepareMaterialise() {
        if (step != steps) {
            throw new IllegalStateException("window ended after " + step + " of " + steps + " steps");
        }
        int n = steps;
        for (int k = 0; k < n; k++) {
            INDArray xk = stepRows(x, k);
            stepRows(xForEnc, k).assign(xk).muli(-lr * geometric(n - 1 - k));
            stepRows(xForVel, k).assign(xk).muli(Math.pow(mu, n - 1 - k));
        }
    }

    /** Block t of the materialisation: E = E_0 - lr a_S V_0 + sum ..., V = mu^S V_0 + sum ... . */
    void materialiseBlock(int t) {
        int n = steps;
        double aS = mu * geometric(n - 1);
        Nd4j.getBlasWrapper().level1().axpy(encFlat[t].length(), -lr * aS, velFlat[t], encFlat[t]);
        long wb = (long) n * b;
        INDArray a = leading(pending[t], wb, enc[t].rows());
        Nd4j.gemm(a, leading(xForEnc, wb, x.columns()), enc[t], true, false, 1.0, 1.0);
        Nd4j.gemm(a, leading(xForVel, wb, x.columns()), vel[t], true, false, 1.0, Math.pow(mu, n));
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

    /** Rows of step k (k*b .. k*b+b-1) of a [.. x D] 'c' matrix, as a view. */
    private INDArray stepRows(INDArray a, int k) {
        long q = a.columns();
        return Nd4j.create(a.data(), new long[] {b, q}, new long[] {q, 1}, a.offset() + (long) k * b * q, 'c',
                a.dataType());
    }

    /** The first r*q elements of a contiguous buffer as a contiguous [r x q] 'c' matrix (the window's shape). */
    private static INDArray leading(INDArray a, long r, long q) {
        return Nd4j.create(a.data(), new long[] {r, q}, new long[] {q, 1}, a.offset(), 'c', a.dataType());
    }
}
