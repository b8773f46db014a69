package io.github.gdln.kpath;

import io.github.gdln.core.util.DirectElements;
import io.github.gdln.core.engine.Initializer;
import io.github.gdln.core.util.SoftmaxCrossEntropy;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The k-path routing model of docs/theory.md §4.1 with a fused, allocation-free SGD-with-momentum step.
 *
 * <p>Model: M input domains with encoders {@code E_i} (H x D, bias {@code b_i}), one shared hidden layer {@code W}
 * (H x H, bias {@code c}), M output domains with decoders {@code F_j} (C x H, bias {@code d_j}), all linear. Pathway
 * (i, j) maps an image x of domain i to logits {@code F_j (W (E_i x + b_i) + c) + d_j}, trained with softmax
 * cross-entropy against the label relabelled by output domain j ({@code labelMaps[j][label]}). The loss is
 * {@code Σ_ij G_ij loss_ij / Σ G} with {@code loss_ij} the mean over the batch: the mean over trained pathways.
 *
 * <p><b>Layout.</b> All parameters live in one flat array, all momenta in another with the same layout: the M encoders
 * as one [M*H x D] matrix (rows of domain i are {@code i*H .. i*H+H-1}), W, the M decoders as one [M*C x H] matrix,
 * then the biases ({@link KPathLayout}). The update {@code p -= lr v} is then one axpy over everything.
 *
 * <p><b>Parts.</b> This class holds the model's state, its initialisation and the kernels of the step and of the
 * evaluation; {@link KPathLayout} the flat layout, {@link TrainedPathways} the index tables of the trained pathways,
 * {@link StepWorkspace} the preallocated buffers of a batch size and {@link BlockPool} the fork/join of the blocks.
 *
 * <p><b>Permutation domains (folded).</b> When input domain i is a pixel permutation, {@code x_i = P_i^T x}, the encoder
 * output is {@code E_i P_i^T x}: training {@code E_i} on permuted images is exactly training {@code Ẽ_i = E_i P_i^T} on
 * raw images, because P is orthogonal (the gradient transforms the same way, {@code ∂L/∂Ẽ_i = (∂L/∂E_i) P_i^T}, so
 * every SGD iterate corresponds, and Xavier-uniform init is invariant under column permutations). {@link #train}
 * therefore takes the raw batch and computes all M encoder outputs with one gemm against the [M*H x D] matrix, with
 * no gather per domain; {@link #encoderInDomainFrame} gives {@code E_i} back for reporting.
 *
 * <p><b>General domains</b> (rotations, features): {@link #trainPerDomain} takes the transformed batch of every
 * domain as one [M*b x D] array and uses a batched matmul over the M diagonal blocks.
 *
 * <p><b>Trained pathways only.</b> A training step computes logits, softmax and decoder gradients only for trained
 * pairs: the decoders of each input domain's trained partners are gathered (one pullRows) into a block per input
 * domain, multiplied by one batched matmul, and their gradients reduced back per output domain by a second pullRows
 * and one gemm that also performs the momentum accumulation ({@code v = mu v + g} via gemm with beta = mu), in two
 * parts of the output domains. The
 * cross-entropy, bias additions and layout changes are fused Java loops over the native buffers. {@link #evaluate}
 * computes all M² pathways.
 *
 * <p><b>Threads.</b> ND4J runs single-threaded ({@code OMP_NUM_THREADS=1}, see {@link Threading}); the second core is
 * used by Java threads over independent blocks instead ({@link BlockPool}). A step is cut into 2 blocks of input
 * domains ({@code [0, M/2)} and {@code [M/2, M)}): each block runs its part of the encoder forward gemm (its rows of the
 * [M*H x D] matrix), the hidden layer, its trained decoders, the cross-entropy and the backward pass on row views of
 * the step's buffers, one single-threaded ND4J op after another. A second phase of two tasks runs each block's rows
 * of the encoder momentum gemm and of {@code E -= lr v_E}, plus the reductions over all domains (task 0: the decoder
 * momenta of ~3/4 of the output domains; task 1: the rest, W momenta and the bias gradients); the caller then updates
 * the rest (W, decoders, biases: 1.7 % of the parameters at M = 40) with one axpy. With {@code threads >= 2} (default
 * {@link #defaultThreads()} = min(2, available processors)) the caller runs one block and a daemon worker, created
 * once per model and exiting when idle, the other; with one thread the caller runs both. The block structure does
 * not depend on the thread count, so every number is bit-for-bit the same for 1, 2 or more threads (a test asserts
 * it); it is fixed rather than per-thread because a BLAS gemm over a row block does not in general round exactly
 * like the same rows inside the whole gemm (measured: OpenBLAS 0.3.19 here, [5120 x 784] x [784 x 8] split at row
 * 2560). On the 2-core benchmark machine two threads took the M = 40 step from ~760 to ~1400 images/s
 * (gdln-benchmarks/README.md).
 *
 * <p><b>Deferred encoder update.</b> {@link #trainWindow} (folded) and {@link #trainWindowPerDomain} run w steps with
 * the encoder weights and momenta read and written once per window ({@link DeferredEncoderWindow}: the step's encoder
 * forward comes from the window, and the window keeps each step's dL/dZ instead of the step updating the encoders);
 * the rest of every step is the step above. Same iterates in exact arithmetic.
 *
 * <p>Not thread-safe: one model is trained by one calling thread at a time.
 */
public final class KPathModel {
    private final KPathConfig cfg;
    private final int m;
    private final int d;
    private final int h;
    private final int c;
    private final DataType type;
    private final boolean[][] gate;
    private final int[][] labelMaps;
    private final TrainedPathways paths;

    private final KPathLayout layout;

    private final INDArray params;
    private final INDArray velocity;
    private final INDArray encoders;
    private final INDArray hidden;
    private final INDArray hiddenBiasRow;
    private final INDArray decoders;
    private final INDArray decodersPadded;
    private final INDArray encoderMomenta;
    private final INDArray hiddenMomenta;
    /** Decoder momenta of each part of {@link TrainedPathways#outputSplit}, as one row. */
    private final INDArray[] decoderMomentaRows;
    private final DirectElements paramElements;
    private final DirectElements momentumElements;
    private final double[] encoderBiasGradient;
    private final double[] hiddenBiasGradient;
    private final double[] decoderBiasGradient;
    private final Map<Integer, StepWorkspace> workspaces = new HashMap<>();
    /** Buffers of the deferred encoder update ({@link #trainWindow}), created on first use. */
    private DeferredEncoderWindow window;
    private boolean biasesTrained = true;

    private final BlockPool blocks;
    /** Blocks of input domains of a step: block t is domains [domainBlockBounds[t], domainBlockBounds[t+1]). */
    private final int[] domainBlockBounds;
    private final int domainBlockCount;
    /** Encoder rows and encoder momenta of each domain block, [n*H x D] and [n x H x D]. */
    private final INDArray[] blockEncoders;
    private final INDArray[] blockEncoderMomenta;
    private final INDArray[] blockEncoders3;
    private final INDArray[] blockEncoderMomenta3;
    private final INDArray[] blockEncodersFlat;
    private final INDArray[] blockEncoderMomentaFlat;
    /** Parameters and momenta after the encoders: updated by the caller at the end of a step. */
    private final INDArray afterEncoders;
    private final INDArray afterEncoderMomenta;

    /**
     * Creates and initialises a model: weights Xavier-uniform with {@code cfg.gain()} from {@code cfg.seed()} (in the
     * order encoders 0..M-1, hidden, decoders 0..M-1), biases and momenta zero.
     *
     * @param cfg       sizes and hyper-parameters
     * @param gate      M x M, {@code gate[i][j]} true when pathway (i, j) is trained; at least one must be
     * @param labelMaps M maps of length C: output domain j relabels class c as {@code labelMaps[j][c]}
     */
    public KPathModel(KPathConfig cfg, boolean[][] gate, int[][] labelMaps) {
        this(cfg, gate, labelMaps, defaultThreads());
    }

    /**
     * Creates and initialises a model whose steps run their {@link BlockPool#BLOCKS} blocks on up to {@code threads}
     * Java threads (the caller and {@code min(threads, BLOCKS) - 1} workers); see the class javadoc. Every number
     * computed is the same for every thread count.
     *
     * @param cfg       sizes and hyper-parameters
     * @param gate      M x M, {@code gate[i][j]} true when pathway (i, j) is trained; at least one must be
     * @param labelMaps M maps of length C: output domain j relabels class c as {@code labelMaps[j][c]}
     * @param threads   threads per step, >= 1 ({@link #defaultThreads()} is what the three-argument constructor uses)
     */
    public KPathModel(KPathConfig cfg, boolean[][] gate, int[][] labelMaps, int threads) {
        if (cfg == null) {
            throw new IllegalArgumentException("cfg must not be null");
        }
        this.cfg = cfg;
        m = cfg.domains();
        d = cfg.inputDim();
        h = cfg.hidden();
        c = cfg.classes();
        type = cfg.dataType();
        this.gate = TrainedPathways.checkGate(gate, m);
        this.labelMaps = checkLabelMaps(labelMaps, m, c);

        paths = new TrainedPathways(this.gate);

        layout = new KPathLayout(m, d, h, c);

        params = Nd4j.create(type, layout.total);
        velocity = Nd4j.create(type, layout.total);
        encoders = KPathLayout.view(params, layout.encoders, m * h, d);
        hidden = KPathLayout.view(params, layout.hidden, h, h);
        hiddenBiasRow = KPathLayout.view(params, layout.hiddenBias, 1, h);
        decoders = KPathLayout.view(params, layout.decoders, m * c, h);
        decodersPadded = KPathLayout.view(params, layout.decoders, m + 1, c * h);
        encoderMomenta = KPathLayout.view(velocity, layout.encoders, m * h, d);
        hiddenMomenta = KPathLayout.view(velocity, layout.hidden, h, h);
        decoderMomentaRows = new INDArray[2];
        for (int p = 0; p < 2; p++) {
            int j0 = paths.outputSplit[p];
            decoderMomentaRows[p] = KPathLayout.view(velocity, layout.decoders + j0 * c * h, 1,
                    (long) (paths.outputSplit[p + 1] - j0) * c * h);
        }
        paramElements = DirectElements.of(params);
        momentumElements = DirectElements.of(velocity);
        encoderBiasGradient = new double[m * h];
        hiddenBiasGradient = new double[h];
        decoderBiasGradient = new double[m * c];

        blocks = new BlockPool(threads);
        domainBlockBounds = BlockPool.split(m, BlockPool.BLOCKS, 1);
        domainBlockCount = domainBlockBounds.length - 1;
        blockEncoders = new INDArray[domainBlockCount];
        blockEncoderMomenta = new INDArray[domainBlockCount];
        blockEncoders3 = new INDArray[domainBlockCount];
        blockEncoderMomenta3 = new INDArray[domainBlockCount];
        blockEncodersFlat = new INDArray[domainBlockCount];
        blockEncoderMomentaFlat = new INDArray[domainBlockCount];
        for (int t = 0; t < domainBlockCount; t++) {
            int i0 = domainBlockBounds[t];
            int n = domainBlockBounds[t + 1] - i0;
            blockEncoders[t] = KPathLayout.view(params, layout.encoders + i0 * h * d, (long) n * h, d);
            blockEncoderMomenta[t] = KPathLayout.view(velocity, layout.encoders + i0 * h * d, (long) n * h, d);
            blockEncoders3[t] = KPathLayout.view(params, layout.encoders + i0 * h * d, n, h, d);
            blockEncoderMomenta3[t] = KPathLayout.view(velocity, layout.encoders + i0 * h * d, n, h, d);
            blockEncodersFlat[t] = KPathLayout.view(params, layout.encoders + i0 * h * d, (long) n * h * d);
            blockEncoderMomentaFlat[t] = KPathLayout.view(velocity, layout.encoders + i0 * h * d, (long) n * h * d);
        }
        afterEncoders = KPathLayout.view(params, layout.hidden, layout.total - layout.hidden);
        afterEncoderMomenta = KPathLayout.view(velocity, layout.hidden, layout.total - layout.hidden);
        initialise();
    }

    /**
     * Runs {@code tasks} (at most {@link BlockPool#BLOCKS}) independent tasks on this model's threads and returns when
     * all are done: for work beside the step that splits the same way (the per-domain input transforms of a batch).
     */
    void runBlocks(int tasks, BlockPool.Block task) {
        blocks.run(tasks, task);
    }

    /** Threads per step this model was created with. */
    public int threads() {
        return blocks.threads();
    }

    /**
     * Default threads per step: {@code min(2, available processors)}. On the 2-core benchmark machine the second
     * thread runs the second block of input domains and half of the update (gdln-benchmarks/README.md, threading).
     */
    public static int defaultThreads() {
        return BlockPool.defaultThreads();
    }

    private static int[][] checkLabelMaps(int[][] maps, int m, int c) {
        if (maps == null || maps.length != m) {
            throw new IllegalArgumentException("labelMaps must hold " + m + " maps, got "
                    + (maps == null ? "null" : maps.length));
        }
        int[][] copy = new int[m][];
        for (int j = 0; j < m; j++) {
            if (maps[j] == null || maps[j].length != c) {
                throw new IllegalArgumentException("labelMaps[" + j + "] must have " + c + " entries, got "
                        + (maps[j] == null ? "null" : maps[j].length));
            }
            for (int v : maps[j]) {
                if (v < 0 || v >= c) {
                    throw new IllegalArgumentException("labelMaps[" + j + "] holds " + v + ", outside [0, " + c + ")");
                }
            }
            copy[j] = maps[j].clone();
        }
        return copy;
    }

    /** gdln's one Xavier-uniform ({@link Initializer.Xavier}), matrix by matrix in the order of the layout. */
    private void initialise() {
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        Initializer.Xavier xavier = new Initializer.Xavier(cfg.gain());
        for (int i = 0; i < m; i++) {
            fill(layout.encoders + i * h * d, xavier.matrix(rnd, h, d));
        }
        fill(layout.hidden, xavier.matrix(rnd, h, h));
        for (int j = 0; j < m; j++) {
            fill(layout.decoders + j * c * h, xavier.matrix(rnd, c, h));
        }
    }

    private void fill(int offset, double[][] matrix) {
        int k = offset;
        for (double[] row : matrix) {
            for (double v : row) {
                paramElements.set(k++, v);
            }
        }
    }

    /**
     * Makes this the k-path network without biases: sets every bias and its momentum to zero and never updates them
     * again (the generic routing graph whose edges carry no bias).
     */
    public void withoutBiases() {
        biasesTrained = false;
        for (int k = layout.encoderBiases; k < layout.total; k++) {
            paramElements.set(k, 0);
            momentumElements.set(k, 0);
        }
    }

    /** Whether the biases are trained (false after {@link #withoutBiases()}). */
    public boolean biasesTrained() {
        return biasesTrained;
    }

    // ------------------------------------------------------------------------------------------ accessors

    /** The configuration. */
    public KPathConfig config() {
        return cfg;
    }

    /** A copy of the gate matrix. */
    public boolean[][] gate() {
        boolean[][] g = new boolean[m][];
        for (int i = 0; i < m; i++) {
            g[i] = gate[i].clone();
        }
        return g;
    }

    /** Number of trained pathways Σ G. */
    public int trainedPairs() {
        return paths.count;
    }

    /** All parameters in one flat array (live view; layout described in the class javadoc). */
    public INDArray parameters() {
        return params;
    }

    /** All momentum buffers, same layout as {@link #parameters()} (live view). */
    public INDArray momenta() {
        return velocity;
    }

    /** All encoders as one [M*H x D] matrix acting on what {@code train}/{@code trainPerDomain} receive (live). */
    public INDArray encoders() {
        return encoders;
    }

    /** Encoder of input domain i, [H x D], in the frame of the inputs the model receives (live view). */
    public INDArray encoder(int i) {
        checkDomain("i", i);
        return KPathLayout.view(params, layout.encoders + i * h * d, h, d);
    }

    /** Encoder biases, [M*H] (live view). */
    public INDArray encoderBiases() {
        return KPathLayout.view(params, layout.encoderBiases, m * h);
    }

    /** Shared hidden weights W, [H x H] (live view). */
    public INDArray hiddenWeights() {
        return hidden;
    }

    /** Hidden bias c, [H] (live view). */
    public INDArray hiddenBias() {
        return KPathLayout.view(params, layout.hiddenBias, h);
    }

    /** All decoders as one [M*C x H] matrix; rows j*C .. j*C+C-1 are F_j (live view). */
    public INDArray decoders() {
        return decoders;
    }

    /** Decoder biases, [M*C] (live view). */
    public INDArray decoderBiases() {
        return KPathLayout.view(params, layout.decoderBiases, m * c);
    }

    /**
     * Encoder of permutation domain i in the permuted-input frame, for reporting: when the model is trained on raw
     * images with domain i's pixel permutation folded into its encoder ({@code x_i[k] = x[perm[k]]}), the encoder
     * acting on the permuted image is {@code E_i[:, k] = Ẽ_i[:, perm[k]]}. Returns a new [H x D] array.
     */
    public INDArray encoderInDomainFrame(int i, int[] perm) {
        checkPermutation(perm);
        INDArray folded = encoder(i);
        INDArray out = Nd4j.create(type, h, d);
        for (int k = 0; k < d; k++) {
            out.getColumn(k).assign(folded.getColumn(perm[k]));
        }
        return out;
    }

    /** Inverse of {@link #encoderInDomainFrame}: sets the folded encoder so that its domain-frame form is {@code e}. */
    public void setEncoderFromDomainFrame(int i, INDArray e, int[] perm) {
        checkPermutation(perm);
        if (e.rank() != 2 || e.rows() != h || e.columns() != d) {
            throw new IllegalArgumentException("e must be [" + h + " x " + d + "], got " + e.shapeInfoToString());
        }
        INDArray folded = encoder(i);
        for (int k = 0; k < d; k++) {
            folded.getColumn(perm[k]).assign(e.getColumn(k));
        }
    }

    private void checkPermutation(int[] perm) {
        if (perm == null || perm.length != d) {
            throw new IllegalArgumentException("perm must have length " + d + ", got "
                    + (perm == null ? "null" : perm.length));
        }
        boolean[] seen = new boolean[d];
        for (int v : perm) {
            if (v < 0 || v >= d || seen[v]) {
                throw new IllegalArgumentException("perm is not a permutation of 0.." + (d - 1) + ": bad entry " + v);
            }
            seen[v] = true;
        }
    }

    private void checkDomain(String name, int i) {
        if (i < 0 || i >= m) {
            throw new IllegalArgumentException(name + " must be in [0, " + m + "), got " + i);
        }
    }

    /** Momenta blocks (package-private, for tests): 0 encoders, 1 W, 2 decoders, 3 b, 4 c, 5 d. */
    INDArray momentumBlock(int which) {
        return switch (which) {
            case 0 -> encoderMomenta;
            case 1 -> hiddenMomenta;
            case 2 -> KPathLayout.view(velocity, layout.decoders, m * c, h);
            case 3 -> KPathLayout.view(velocity, layout.encoderBiases, m * h);
            case 4 -> KPathLayout.view(velocity, layout.hiddenBias, h);
            case 5 -> KPathLayout.view(velocity, layout.decoderBiases, m * c);
            default -> throw new IllegalArgumentException("which must be in [0, 6), got " + which);
        };
    }

    // ------------------------------------------------------------------------------------------ training

    /**
     * One SGD-with-momentum step on a batch of raw images, every input domain being a pixel permutation folded into
     * its encoder (see the class javadoc).
     *
     * @param x      [b x D] raw images, the model's data type
     * @param labels b class labels in [0, C)
     * @return the training loss Σ G_ij loss_ij / Σ G before the update
     */
    public double train(INDArray x, int[] labels) {
        int b = checkBatch(x, labels, 1);
        return step(workspace(b), b, x, null, labels, null);
    }

    /**
     * {@code steps} consecutive SGD-with-momentum steps on raw batches (permutations folded, as {@link #train}) with
     * the encoder weights and momenta updated once for the whole window ({@link DeferredEncoderWindow}): the same
     * iterates as {@code steps} calls of {@link #train} in exact arithmetic, far less memory traffic. Parameters and
     * momenta are complete when it returns.
     *
     * @param xs     [steps*b x D] raw images, batch s in rows s*b .. s*b+b-1
     * @param labels steps*b class labels
     * @param steps  steps in the window, >= 1, dividing the number of labels
     * @return each step's training loss before its update
     */
    public double[] trainWindow(INDArray xs, int[] labels, int steps) {
        return window(xs, labels, steps, 1, true);
    }

    /**
     * {@code steps} consecutive SGD-with-momentum steps on batches transformed per input domain (as
     * {@link #trainPerDomain}) with the encoder weights and momenta updated once for the whole window: the same
     * iterates as {@code steps} calls of {@link #trainPerDomain} in exact arithmetic ({@link DeferredEncoderWindow}
     * with one batch and one Gram matrix per domain).
     *
     * @param xd     [M*steps*b x D]: rows i*steps*b .. hold domain i's batches of the window, step s in its rows
     *               s*b .. s*b+b-1
     * @param labels steps*b class labels
     * @param steps  steps in the window, >= 1, dividing the number of labels
     * @return each step's training loss before its update
     */
    public double[] trainWindowPerDomain(INDArray xd, int[] labels, int steps) {
        return window(xd, labels, steps, m, false);
    }

    private double[] window(INDArray xs, int[] labels, int steps, int copies, boolean shared) {
        int n = checkBatch(xs, labels, copies);
        if (steps < 1 || n % steps != 0) {
            throw new IllegalArgumentException("steps must be >= 1 and divide the " + n + " labels, got " + steps);
        }
        int b = n / steps;
        if (window == null || !window.fits(b, steps, shared)) {
            window = shared
                    ? new DeferredEncoderWindow(true, domainBlockBounds, blockEncoders, blockEncoderMomenta,
                            blockEncodersFlat, blockEncoderMomentaFlat, b, steps, cfg.learningRate(), cfg.momentum())
                    : new DeferredEncoderWindow(false, domainBlockBounds, blockEncoders3, blockEncoderMomenta3,
                            blockEncodersFlat, blockEncoderMomentaFlat, b, steps, cfg.learningRate(), cfg.momentum());
        }
        DeferredEncoderWindow win = window;
        win.begin(xs, steps);
        blocks.run(domainBlockCount, win::beginBlock);
        StepWorkspace w = workspace(b);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            INDArray x = shared ? KPathLayout.rows(xs, (long) s * b, (long) (s + 1) * b) : null;
            losses[s] = step(w, b, x, null, java.util.Arrays.copyOfRange(labels, s * b, (s + 1) * b), win);
        }
        win.prepareMaterialise();
        blocks.run(domainBlockCount, win::materialiseBlock);
        return losses;
    }

    /**
     * One SGD-with-momentum step on a batch already transformed per input domain (rotations or any other map).
     *
     * @param xd     [M*b x D]: rows i*b .. i*b+b-1 hold the batch as seen by input domain i
     * @param labels b class labels in [0, C)
     * @return the training loss before the update
     */
    public double trainPerDomain(INDArray xd, int[] labels) {
        int b = checkBatch(xd, labels, m);
        return step(workspace(b), b, null, xd.reshape('c', m, b, d), labels, null);
    }

    /**
     * The step. Phase 1, per block of input domains (in parallel): encoder forward, hidden layer, trained decoders,
     * cross-entropy, backward down to dZ. Phase 2, two tasks: each block's encoder momenta (gemm with beta = mu) and
     * encoder update {@code E -= lr v_E}; each task also the decoder momenta of its part of the output domains
     * ({@link TrainedPathways#outputSplit}: about 3/4 to task 0), task 1 also the W momenta and the bias gradients and
     * momenta. Then the caller updates everything after the encoders with one axpy.
     *
     * @param x   raw batch [b x D] (folded permutation domains), or null
     * @param x3  per-domain batch [M x b x D] when x is null and there is no window (a window holds its batches)
     * @param win the deferred encoder window this step belongs to, or null for the plain step: it computes the
     *            encoder forward and keeps dL/dZ, and the encoder update is left to it
     */
    private double step(StepWorkspace w, int b, INDArray x, INDArray x3, int[] labels, DeferredEncoderWindow win) {
        double mu = cfg.momentum();
        if (win != null) {
            win.prepareStep();
        }
        blocks.run(domainBlockCount, t -> {
            StepWorkspace.DomainBlock k = w.domainBlocks[t];
            int i0 = domainBlockBounds[t];
            int i1 = domainBlockBounds[t + 1];
            if (win != null && win.sharedInputs()) {
                win.forward(t, k.z);
                foldedToDomainMajor(w, b, i0, i1, (i1 - i0) * h, 1);
            } else if (win != null) {
                win.forward(t, k.zp);
                addEncoderBias(w, b, i0, i1);
            } else if (x != null) {
                Nd4j.gemm(blockEncoders[t], x, k.zByRow, false, true, 1.0, 0.0);
                foldedToDomainMajor(w, b, i0, i1, 1, b);
            } else {
                Nd4j.exec(new Mmul(domains(x3, t), blockEncoders3[t], k.zp3, 1.0, 0.0,
                        MMulTranspose.builder().transposeB(true).build()));
                addEncoderBias(w, b, i0, i1);
            }
            Nd4j.gemm(k.zp, hidden, k.u, false, true, 1.0, 0.0);
            addHiddenBias(w, b, i0, i1);
            Nd4j.pullRows(decodersPadded, k.fg, 1, k.gather);
            Nd4j.exec(k.mmulLogits);
            crossEntropyAndGradient(w, k, b, labels, i0, i1);
            Nd4j.exec(k.mmulDecGrad);
            Nd4j.exec(k.mmulHiddenGrad);
            Nd4j.gemm(k.du, hidden, k.dzp, false, false, 1.0, 0.0);
            if (win != null && win.sharedInputs()) {
                scatterFoldedGradient(w, b, i0, i1, win.pendingElements(t), win.pendingOffset(t));
            } else if (win != null) {
                accumulateEncoderBiasGradient(w, b, i0, i1);
                win.record(t, w.dzpElements, i0 * b * h);
            } else if (x != null) {
                scatterFoldedGradient(w, b, i0, i1, w.dzElements, i0 * h * b);
            } else {
                accumulateEncoderBiasGradient(w, b, i0, i1);
            }
        });
        double lr = cfg.learningRate();
        blocks.run(BlockPool.BLOCKS, t -> {
            if (t < domainBlockCount && win == null) {
                if (x != null) {
                    Nd4j.gemm(w.domainBlocks[t].dz, x, blockEncoderMomenta[t], true, false, 1.0, mu);
                } else {
                    Nd4j.exec(new Mmul(w.domainBlocks[t].dzp3, domains(x3, t), blockEncoderMomenta3[t], 1.0, mu,
                            MMulTranspose.builder().transposeA(true).build()));
                }
                Nd4j.getBlasWrapper().level1().axpy(blockEncodersFlat[t].length(), -lr, blockEncoderMomentaFlat[t],
                        blockEncodersFlat[t]);
            }
            if (w.dfcol[t] != null) {
                Nd4j.pullRows(w.dfg, w.dfcolRows[t], 1, paths.gatherBack[t]);
                Nd4j.gemm(w.ones, w.dfcol[t], decoderMomentaRows[t], false, false, 1.0, mu);
            }
            if (t == 1) {
                Nd4j.gemm(w.du, w.zp, hiddenMomenta, true, false, 1.0, mu);
                hiddenAndDecoderBiasGradients(w, b);
                biasMomenta();
            }
        });
        Nd4j.getBlasWrapper().level1().axpy(afterEncoders.length(), -lr, afterEncoderMomenta, afterEncoders);
        if (win != null) {
            win.endStep();
        }
        double loss = 0;
        for (int i = 0; i < m; i++) {
            loss += w.lossSum[i];
        }
        return loss / ((double) b * paths.count);
    }

    /** Domains [domainBlockBounds[t], domainBlockBounds[t+1]) of a contiguous [M x r x q] array, as a view. */
    private INDArray domains(INDArray a3, int t) {
        long r = a3.size(1);
        long q = a3.size(2);
        int i0 = domainBlockBounds[t];
        return Nd4j.create(a3.data(), new long[] {domainBlockBounds[t + 1] - i0, r, q}, new long[] {r * q, q, 1},
                a3.offset() + i0 * r * q, 'c', a3.dataType());
    }

    private int checkBatch(INDArray x, int[] labels, int copies) {
        if (x == null || labels == null) {
            throw new IllegalArgumentException("x and labels must not be null");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("labels must not be empty");
        }
        int b = labels.length;
        if (x.rank() != 2 || x.rows() != (long) copies * b || x.columns() != d) {
            throw new IllegalArgumentException("x must be [" + ((long) copies * b) + " x " + d + "] for " + b
                    + " labels, got " + java.util.Arrays.toString(x.shape()));
        }
        if (x.dataType() != type) {
            throw new IllegalArgumentException("x must have data type " + type + ", got " + x.dataType());
        }
        for (int s = 0; s < b; s++) {
            if (labels[s] < 0 || labels[s] >= c) {
                throw new IllegalArgumentException("labels[" + s + "] = " + labels[s] + " outside [0, " + c + ")");
            }
        }
        return b;
    }

    private StepWorkspace workspace(int b) {
        return workspaces.computeIfAbsent(b, n -> new StepWorkspace(n, m, h, c, type, paths, domainBlockBounds));
    }

    /**
     * zp[i, s, k] = z(s, (i - i0)*H + k) + b_i[k] for domains [i0, i1), z being the block's encoder outputs, element
     * (s, r) at {@code s*sampleStride + r*rowStride} from the block's start: sample-major [b x (i1 - i0)*H] (the
     * deferred step) or [(i1 - i0)*H x b] (the plain step).
     */
    private void foldedToDomainMajor(StepWorkspace w, int b, int i0, int i1, int sampleStride, int rowStride) {
        DirectElements z = w.zElements;
        DirectElements zp = w.zpElements;
        int base = i0 * h * b;
        for (int s = 0; s < b; s++) {
            for (int i = i0; i < i1; i++) {
                int src = base + s * sampleStride + (i - i0) * h * rowStride;
                int dst = (i * b + s) * h;
                int biasBase = layout.encoderBiases + i * h;
                for (int k = 0; k < h; k++) {
                    zp.set(dst + k, z.get(src + k * rowStride) + paramElements.get(biasBase + k));
                }
            }
        }
    }

    /** u[i, s, k] += c[k] for domains [i0, i1) (one pass; a broadcast op measured ~0.1 ms per block at M = 40). */
    private void addHiddenBias(StepWorkspace w, int b, int i0, int i1) {
        DirectElements u = w.uElements;
        for (int r = i0 * b; r < i1 * b; r++) {
            int base = r * h;
            for (int k = 0; k < h; k++) {
                u.set(base + k, u.get(base + k) + paramElements.get(layout.hiddenBias + k));
            }
        }
    }

    private void addEncoderBias(StepWorkspace w, int b, int i0, int i1) {
        DirectElements zp = w.zpElements;
        for (int i = i0; i < i1; i++) {
            int biasBase = layout.encoderBiases + i * h;
            for (int s = 0; s < b; s++) {
                int dst = (i * b + s) * h;
                for (int k = 0; k < h; k++) {
                    zp.set(dst + k, zp.get(dst + k) + paramElements.get(biasBase + k));
                }
            }
        }
    }

    /**
     * Softmax cross-entropy over the trained pairs of input domains [i0, i1): writes dL/dlogits in place of the
     * logits and each domain's loss sum to {@code w.lossSum[i]}.
     */
    private void crossEntropyAndGradient(StepWorkspace w, StepWorkspace.DomainBlock block, int b, int[] labels, int i0,
                                         int i1) {
        DirectElements y = w.yElements;
        double scale = 1.0 / ((double) b * paths.count);
        double[] p = block.prob;
        int kc = paths.kRow * c;
        for (int i = i0; i < i1; i++) {
            double loss = 0;
            for (int s = 0; s < b; s++) {
                int rowBase = (i * b + s) * kc;
                for (int k = 0; k < paths.kRow; k++) {
                    int base = rowBase + k * c;
                    int j = paths.trainedOut[i][k];
                    if (j < 0) {
                        for (int q = 0; q < c; q++) {
                            y.set(base + q, 0.0);
                        }
                        continue;
                    }
                    int biasBase = layout.decoderBiases + j * c;
                    for (int q = 0; q < c; q++) {
                        p[q] = y.get(base + q) + paramElements.get(biasBase + q);
                    }
                    loss += SoftmaxCrossEntropy.lossAndGradientInPlace(p, 0, c, labelMaps[j][labels[s]], scale);
                    for (int q = 0; q < c; q++) {
                        y.set(base + q, p[q]);
                    }
                }
            }
            w.lossSum[i] = loss;
        }
    }

    /** Hidden-bias gradient (column sums of dU) and decoder-bias gradient (sums of dL/dlogits per output domain). */
    private void hiddenAndDecoderBiasGradients(StepWorkspace w, int b) {
        java.util.Arrays.fill(hiddenBiasGradient, 0.0);
        DirectElements du = w.duElements;
        int rows = m * b;
        for (int r = 0; r < rows; r++) {
            int base = r * h;
            for (int k = 0; k < h; k++) {
                hiddenBiasGradient[k] += du.get(base + k);
            }
        }
        java.util.Arrays.fill(decoderBiasGradient, 0.0);
        DirectElements y = w.yElements;
        int kc = paths.kRow * c;
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < b; s++) {
                int rowBase = (i * b + s) * kc;
                for (int k = 0; k < paths.kRow; k++) {
                    int j = paths.trainedOut[i][k];
                    if (j < 0) {
                        continue;
                    }
                    int base = rowBase + k * c;
                    int gb = j * c;
                    for (int q = 0; q < c; q++) {
                        decoderBiasGradient[gb + q] += y.get(base + q);
                    }
                }
            }
        }
    }

    /**
     * dL/dZ of domains [i0, i1) in the sample-major layout of the folded forward: {@code out[outBase + s*rows +
     * (i - i0)*H + k] = dzp[i, s, k]}; also their encoder-bias gradients (sums over the batch, in sample order).
     */
    private void scatterFoldedGradient(StepWorkspace w, int b, int i0, int i1, DirectElements out, int outBase) {
        DirectElements dzp = w.dzpElements;
        int rows = (i1 - i0) * h;
        java.util.Arrays.fill(encoderBiasGradient, i0 * h, i1 * h, 0.0);
        for (int i = i0; i < i1; i++) {
            int gb = i * h;
            for (int s = 0; s < b; s++) {
                int src = (i * b + s) * h;
                int dst = outBase + s * rows + (i - i0) * h;
                for (int k = 0; k < h; k++) {
                    double g = dzp.get(src + k);
                    out.set(dst + k, g);
                    encoderBiasGradient[gb + k] += g;
                }
            }
        }
    }

    private void accumulateEncoderBiasGradient(StepWorkspace w, int b, int i0, int i1) {
        DirectElements dzp = w.dzpElements;
        java.util.Arrays.fill(encoderBiasGradient, i0 * h, i1 * h, 0.0);
        for (int i = i0; i < i1; i++) {
            int gb = i * h;
            for (int s = 0; s < b; s++) {
                int src = (i * b + s) * h;
                for (int k = 0; k < h; k++) {
                    encoderBiasGradient[gb + k] += dzp.get(src + k);
                }
            }
        }
    }

    private void biasMomenta() {
        if (!biasesTrained) {
            return;
        }
        double mu = cfg.momentum();
        momentum(layout.encoderBiases, encoderBiasGradient, mu);
        momentum(layout.hiddenBias, hiddenBiasGradient, mu);
        momentum(layout.decoderBiases, decoderBiasGradient, mu);
    }

    private void momentum(int offset, double[] g, double mu) {
        for (int k = 0; k < g.length; k++) {
            momentumElements.set(offset + k, mu * momentumElements.get(offset + k) + g[k]);
        }
    }

    // ------------------------------------------------------------------------------------------ evaluation

    /**
     * Loss and correct counts of all M² pathways on raw images (permutation domains folded, as in {@link #train}).
     *
     * @param x      [n x D] raw images
     * @param labels n labels
     */
    public PairStats evaluate(INDArray x, int[] labels) {
        int n = checkBatch(x, labels, 1);
        return evaluateInHalves(n, labels, (eval, s0, cn, stats, scratch) -> {
            INDArray xc = x.get(NDArrayIndex.interval(s0, s0 + cn), NDArrayIndex.all());
            INDArray z = KPathLayout.view(scratch.encoded, 0, cn, (long) m * h); // rows (s, i) of H
            Nd4j.gemm(xc, encoders, z, false, true, 1.0, 0.0);
            eval.add(z.reshape('c', (long) cn * m, h), java.util.Arrays.copyOfRange(labels, s0, s0 + cn), true,
                    stats, scratch);
        });
    }

    /**
     * Loss and correct counts of all M² pathways on a batch transformed per input domain.
     *
     * @param xd     [M*n x D]: rows i*n .. i*n+n-1 hold the n images as seen by input domain i
     * @param labels n labels
     */
    public PairStats evaluatePerDomain(INDArray xd, int[] labels) {
        int n = checkBatch(xd, labels, m);
        return evaluateInHalves(n, labels, (eval, s0, cn, stats, scratch) -> {
            INDArray zp = KPathLayout.view(scratch.encoded, 0, (long) m * cn, h);
            for (int i = 0; i < m; i++) {
                INDArray xi = xd.get(NDArrayIndex.interval((long) i * n + s0, (long) i * n + s0 + cn), NDArrayIndex.all());
                INDArray zi = zp.get(NDArrayIndex.interval((long) i * cn, (long) (i + 1) * cn), NDArrayIndex.all());
                Nd4j.gemm(xi, encoder(i), zi, false, true, 1.0, 0.0);
            }
            eval.add(zp, java.util.Arrays.copyOfRange(labels, s0, s0 + cn), false, stats, scratch);
        });
    }

    @FunctionalInterface
    private interface EvaluationChunk {
        void run(AllPathwaysEvaluation eval, int s0, int n, PairStats stats, AllPathwaysEvaluation.Scratch scratch);
    }

    /**
     * Runs {@code chunk} over the images in chunks: the images in {@link BlockPool#BLOCKS} fixed halves, one per
     * thread, each with its own sums and its own {@link AllPathwaysEvaluation.Scratch}, added in block order (so the
     * numbers do not depend on the thread count).
     */
    private PairStats evaluateInHalves(int n, int[] labels, EvaluationChunk chunk) {
        AllPathwaysEvaluation eval = new AllPathwaysEvaluation(m, c, labelMaps,
                KPathLayout.view(params, layout.encoderBiases, m, h), hidden, hiddenBiasRow, decoders,
                KPathLayout.view(params, layout.decoderBiases, 1, m * c));
        int[] halves = BlockPool.split(n, BlockPool.BLOCKS, 1);
        PairStats[] parts = new PairStats[halves.length - 1];
        int size = Math.max(1, 4_000_000 / (m * m * c));
        blocks.run(parts.length, t -> {
            parts[t] = new PairStats(m);
            int images = halves[t + 1] - halves[t];
            if (images == 0) {
                return;
            }
            AllPathwaysEvaluation.Scratch scratch = new AllPathwaysEvaluation.Scratch(Math.min(size, images), m, h, c,
                    type);
            for (int s0 = halves[t]; s0 < halves[t + 1]; s0 += size) {
                chunk.run(eval, s0, Math.min(size, halves[t + 1] - s0), parts[t], scratch);
            }
        });
        PairStats stats = new PairStats(m);
        for (PairStats p : parts) {
            stats.add(p);
        }
        return stats;
    }

    /** Loss of one batch without training (trained pairs only), for checks. */
    public double loss(INDArray x, int[] labels) {
        PairStats st = evaluate(x, labels);
        return trainedLoss(st, labels.length);
    }

    /** Loss of one per-domain batch without training (trained pairs only), for checks. */
    public double lossPerDomain(INDArray xd, int[] labels) {
        PairStats st = evaluatePerDomain(xd, labels);
        return trainedLoss(st, labels.length);
    }

    private double trainedLoss(PairStats st, int n) {
        double sum = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (gate[i][j]) {
                    sum += st.lossSum(i, j);
                }
            }
        }
        return sum / ((double) n * paths.count);
    }
}
