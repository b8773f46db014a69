package io.github.gdln.core.kpath;

import io.github.gdln.core.util.SoftmaxCrossEntropy;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * then the biases. The update {@code p -= lr v} is then one axpy over everything.
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
 * and one gemm that also performs the momentum accumulation ({@code v = mu v + g} via gemm with beta = mu). The
 * cross-entropy, bias additions and layout changes are fused Java loops over the native buffers. {@link #evaluate}
 * computes all M² pathways.
 *
 * <p><b>Threads.</b> ND4J runs single-threaded ({@code OMP_NUM_THREADS=1}, see {@link Threading}); the second core is
 * used by Java threads over independent blocks instead. A step is cut into {@link #BLOCKS} = 2 blocks of input domains
 * ({@code [0, M/2)} and {@code [M/2, M)}): each block runs its part of the encoder forward gemm (its rows of the
 * [M*H x D] matrix), the hidden layer, its trained decoders, the cross-entropy and the backward pass on row views of
 * the step's buffers, one single-threaded ND4J op after another. A second phase of two tasks runs each block's rows
 * of the encoder momentum gemm and of {@code E -= lr v_E}, plus one of the reductions over all domains each (decoder
 * momenta; W momenta and the bias gradients); the caller then updates the rest (W, decoders, biases: 1.7 % of the
 * parameters at M = 40) with one axpy. With {@code threads >= 2} (default
 * {@link #defaultThreads()} = min(2, available processors)) the caller runs one block and a daemon worker, created
 * once per model and exiting when idle, the other; with one thread the caller runs both. The block structure does
 * not depend on the thread count, so every number is bit-for-bit the same for 1, 2 or more threads (a test asserts
 * it); it is fixed rather than per-thread because a BLAS gemm over a row block does not in general round exactly
 * like the same rows inside the whole gemm (measured: OpenBLAS 0.3.19 here, [5120 x 784] x [784 x 8] split at row
 * 2560). On the 2-core benchmark machine two threads took the M = 40 step from ~760 to ~1400 images/s
 * (gdln-benchmarks/README.md).
 *
 * <p><b>Deferred encoder update.</b> {@link #trainWindow} runs w folded steps with the encoder weights and momenta
 * read and written once per window ({@link DeferredEncoderWindow}: the step's encoder forward comes from the window,
 * and the window keeps each step's dL/dZ instead of the step updating the encoders); the rest of every step is the
 * step above. Same iterates in exact arithmetic.
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
    private final int trainedPairs;
    private final int kRow;
    private final int kCol;
    /** trainedOut[i][k]: k-th trained output domain of input i, -1 for padding. */
    private final int[][] trainedOut;
    private final int[] gatherDecoders;
    private final int[] gatherBack;

    private final int oEnc;
    private final int oHid;
    private final int oDec;
    private final int oEncBias;
    private final int oHidBias;
    private final int oDecBias;
    private final int total;

    private final INDArray params;
    private final INDArray velocity;
    private final INDArray enc;
    private final INDArray enc3;
    private final INDArray hid;
    private final INDArray hidBiasRow;
    private final INDArray dec;
    private final INDArray decExt;
    private final INDArray vEnc;
    private final INDArray vEnc3;
    private final INDArray vHid;
    private final INDArray vDecRow;
    private final Nio pNio;
    private final Nio vNio;
    private final double[] gEncBias;
    private final double[] gHidBias;
    private final double[] gDecBias;
    private final Map<Integer, Work> work = new HashMap<>();
    /** Buffers of the deferred encoder update ({@link #trainWindow}), created on first use. */
    private DeferredEncoderWindow window;

    private final int threads;
    /** Worker threads running blocks (min(threads, BLOCKS) - 1 of them, created on first use); null: one thread. */
    private final ThreadPoolExecutor pool;
    /** Blocks of input domains of a step: block t is domains [domSplit[t], domSplit[t+1]). */
    private final int[] domSplit;
    private final int domBlocks;
    /** Encoder rows and encoder momenta of each domain block, [n*H x D] and [n x H x D]. */
    private final INDArray[] encDom;
    private final INDArray[] vEncDom;
    private final INDArray[] enc3Dom;
    private final INDArray[] vEnc3Dom;
    private final INDArray[] encDomFlat;
    private final INDArray[] vEncDomFlat;
    /** Parameters and momenta after the encoders, [oHid, total): updated by the caller at the end of a step. */
    private final INDArray restFlat;
    private final INDArray vRestFlat;

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
     * Creates and initialises a model whose steps run their {@link #BLOCKS} blocks on up to {@code threads} Java
     * threads (the caller and {@code min(threads, BLOCKS) - 1} workers); see the class javadoc. Every number computed
     * is the same for every thread count.
     *
     * @param cfg       sizes and hyper-parameters
     * @param gate      M x M, {@code gate[i][j]} true when pathway (i, j) is trained; at least one must be
     * @param labelMaps M maps of length C: output domain j relabels class c as {@code labelMaps[j][c]}
     * @param threads   threads per step, >= 1 ({@link #defaultThreads()} is what the three-argument constructor uses)
     */
    public KPathModel(KPathConfig cfg, boolean[][] gate, int[][] labelMaps, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (cfg == null) {
            throw new IllegalArgumentException("cfg must not be null");
        }
        this.cfg = cfg;
        m = cfg.domains();
        d = cfg.inputDim();
        h = cfg.hidden();
        c = cfg.classes();
        type = cfg.dataType();
        this.gate = checkGate(gate, m);
        this.labelMaps = checkLabelMaps(labelMaps, m, c);

        int pairs = 0;
        int kr = 0;
        int[] colCount = new int[m];
        for (int i = 0; i < m; i++) {
            int row = 0;
            for (int j = 0; j < m; j++) {
                if (this.gate[i][j]) {
                    row++;
                    colCount[j]++;
                }
            }
            pairs += row;
            kr = Math.max(kr, row);
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("gate has no trained pathway");
        }
        int kc = 0;
        for (int j = 0; j < m; j++) {
            kc = Math.max(kc, colCount[j]);
        }
        trainedPairs = pairs;
        kRow = kr;
        kCol = kc;
        trainedOut = new int[m][kr];
        gatherDecoders = new int[m * kr];
        int[][] back = new int[m][kc];
        int[] fill = new int[m];
        for (int i = 0; i < m; i++) {
            int k = 0;
            for (int j = 0; j < m; j++) {
                if (this.gate[i][j]) {
                    trainedOut[i][k] = j;
                    gatherDecoders[i * kr + k] = j;
                    back[j][fill[j]++] = i * kr + k;
                    k++;
                }
            }
            for (; k < kr; k++) {
                trainedOut[i][k] = -1;
                gatherDecoders[i * kr + k] = m; // the zero block after the decoders
            }
        }
        gatherBack = new int[kc * m];
        for (int j = 0; j < m; j++) {
            for (int s = 0; s < kc; s++) {
                gatherBack[s * m + j] = s < fill[j] ? back[j][s] : m * kr; // the zero row of dFg
            }
        }

        oEnc = 0;
        oHid = oEnc + m * h * d;
        oDec = oHid + h * h;
        int oDecPad = oDec + m * c * h;
        oEncBias = oDecPad + c * h;
        oHidBias = oEncBias + m * h;
        oDecBias = oHidBias + h;
        total = oDecBias + m * c;

        params = Nd4j.create(type, total);
        velocity = Nd4j.create(type, total);
        enc = view(params, oEnc, m * h, d);
        enc3 = view(params, oEnc, m, h, d);
        hid = view(params, oHid, h, h);
        hidBiasRow = view(params, oHidBias, 1, h);
        dec = view(params, oDec, m * c, h);
        decExt = view(params, oDec, m + 1, c * h);
        vEnc = view(velocity, oEnc, m * h, d);
        vEnc3 = view(velocity, oEnc, m, h, d);
        vHid = view(velocity, oHid, h, h);
        vDecRow = view(velocity, oDec, 1, m * c * h);
        pNio = Nio.of(params);
        vNio = Nio.of(velocity);
        gEncBias = new double[m * h];
        gHidBias = new double[h];
        gDecBias = new double[m * c];

        this.threads = threads;
        domSplit = split(m, BLOCKS, 1);
        domBlocks = domSplit.length - 1;
        encDom = new INDArray[domBlocks];
        vEncDom = new INDArray[domBlocks];
        enc3Dom = new INDArray[domBlocks];
        vEnc3Dom = new INDArray[domBlocks];
        encDomFlat = new INDArray[domBlocks];
        vEncDomFlat = new INDArray[domBlocks];
        for (int t = 0; t < domBlocks; t++) {
            int i0 = domSplit[t];
            int n = domSplit[t + 1] - i0;
            encDom[t] = view(params, oEnc + i0 * h * d, (long) n * h, d);
            vEncDom[t] = view(velocity, oEnc + i0 * h * d, (long) n * h, d);
            enc3Dom[t] = view(params, oEnc + i0 * h * d, n, h, d);
            vEnc3Dom[t] = view(velocity, oEnc + i0 * h * d, n, h, d);
            encDomFlat[t] = view(params, oEnc + i0 * h * d, (long) n * h * d);
            vEncDomFlat[t] = view(velocity, oEnc + i0 * h * d, (long) n * h * d);
        }
        restFlat = view(params, oHid, total - oHid);
        vRestFlat = view(velocity, oHid, total - oHid);
        pool = threads > 1 ? newPool(Math.min(threads, BLOCKS) - 1) : null;
        initialise();
    }

    /**
     * Blocks of a step, whatever the thread count: the input domains in two halves (phase 1 of the step), the flat
     * update in two halves. The numbers depend on this block structure (a BLAS gemm over a row block does not in
     * general round like the same rows inside a larger gemm), never on how many threads run the blocks.
     */
    static final int BLOCKS = 2;

    /**
     * Default threads per step: {@code min(2, available processors)}. On the 2-core benchmark machine the second
     * thread runs the second block of input domains and half of the update (gdln-benchmarks/README.md, threading).
     */
    public static int defaultThreads() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** Threads per step this model was created with. */
    public int threads() {
        return threads;
    }

    /** Boundaries of at most {@code parts} near-equal blocks of [0, n) whose inner boundaries are multiples of align. */
    static int[] split(int n, int parts, int align) {
        int blocks = Math.max(1, Math.min(parts, n / align));
        int[] b = new int[blocks + 1];
        for (int t = 1; t < blocks; t++) {
            long ideal = (long) n * t / blocks;
            b[t] = (int) (Math.round((double) ideal / align) * align);
        }
        b[blocks] = n;
        // drop empty or reversed blocks (tiny n)
        int k = 1;
        for (int t = 1; t <= blocks; t++) {
            if (b[t] > b[k - 1]) {
                b[k++] = b[t];
            }
        }
        return java.util.Arrays.copyOf(b, k);
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    /**
     * Daemon workers that exit after 30 s idle, so a model that is dropped without closing leaves no thread behind
     * (the pool holds no reference to the model; the submitted tasks only reference its arrays while they run).
     */
    private static ThreadPoolExecutor newPool(int workers) {
        int id = POOL_IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "gdln-kpath-" + id + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    @FunctionalInterface
    private interface Block {
        void run(int t);
    }

    /**
     * Runs {@code task(0 .. blocks-1)}: block 0 on the calling thread, the others on the workers (all on the caller
     * when there are no workers), and returns when all are done (also when one fails: no worker is left writing into the model's arrays). Blocks touch disjoint rows.
     */
    private void parallel(int blocks, Block task) {
        if (blocks == 1 || pool == null) {
            for (int t = 0; t < blocks; t++) {
                task.run(t);
            }
            return;
        }
        Future<?>[] futures = new Future<?>[blocks - 1];
        for (int t = 1; t < blocks; t++) {
            int block = t;
            futures[t - 1] = pool.submit(() -> task.run(block));
        }
        Throwable failure = null;
        try {
            task.run(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static boolean[][] checkGate(boolean[][] gate, int m) {
        if (gate == null || gate.length != m) {
            throw new IllegalArgumentException("gate must be " + m + " x " + m + ", got "
                    + (gate == null ? "null" : gate.length + " rows"));
        }
        boolean[][] copy = new boolean[m][];
        for (int i = 0; i < m; i++) {
            if (gate[i] == null || gate[i].length != m) {
                throw new IllegalArgumentException("gate row " + i + " must have " + m + " entries, got "
                        + (gate[i] == null ? "null" : gate[i].length));
            }
            copy[i] = gate[i].clone();
        }
        return copy;
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

    private static INDArray view(INDArray flat, int offset, long... shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            stride[k] = s;
            s *= shape[k];
        }
        return Nd4j.create(flat.data(), shape, stride, offset, 'c', flat.dataType());
    }

    private void initialise() {
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        double g = cfg.gain();
        for (int i = 0; i < m; i++) {
            fillUniform(rnd, oEnc + i * h * d, h * d, g * Math.sqrt(6.0 / (d + h)));
        }
        fillUniform(rnd, oHid, h * h, g * Math.sqrt(6.0 / (h + h)));
        for (int j = 0; j < m; j++) {
            fillUniform(rnd, oDec + j * c * h, c * h, g * Math.sqrt(6.0 / (h + c)));
        }
    }

    private void fillUniform(SplittableRandom rnd, int offset, int n, double bound) {
        for (int k = 0; k < n; k++) {
            pNio.set(offset + k, (2 * rnd.nextDouble() - 1) * bound);
        }
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
        return trainedPairs;
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
        return enc;
    }

    /** Encoder of input domain i, [H x D], in the frame of the inputs the model receives (live view). */
    public INDArray encoder(int i) {
        checkDomain("i", i);
        return view(params, oEnc + i * h * d, h, d);
    }

    /** Encoder biases, [M*H] (live view). */
    public INDArray encoderBiases() {
        return view(params, oEncBias, m * h);
    }

    /** Shared hidden weights W, [H x H] (live view). */
    public INDArray hiddenWeights() {
        return hid;
    }

    /** Hidden bias c, [H] (live view). */
    public INDArray hiddenBias() {
        return view(params, oHidBias, h);
    }

    /** All decoders as one [M*C x H] matrix; rows j*C .. j*C+C-1 are F_j (live view). */
    public INDArray decoders() {
        return dec;
    }

    /** Decoder biases, [M*C] (live view). */
    public INDArray decoderBiases() {
        return view(params, oDecBias, m * c);
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
            case 0 -> vEnc;
            case 1 -> vHid;
            case 2 -> view(velocity, oDec, m * c, h);
            case 3 -> view(velocity, oEncBias, m * h);
            case 4 -> view(velocity, oHidBias, h);
            case 5 -> view(velocity, oDecBias, m * c);
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
        return step(work(b), b, x, null, labels, null);
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
        int n = checkBatch(xs, labels, 1);
        if (steps < 1 || n % steps != 0) {
            throw new IllegalArgumentException("steps must be >= 1 and divide the " + n + " labels, got " + steps);
        }
        int b = n / steps;
        if (window == null || !window.fits(b, steps)) {
            window = new DeferredEncoderWindow(encDom, vEncDom, encDomFlat, vEncDomFlat, b, steps,
                    cfg.learningRate(), cfg.momentum());
        }
        DeferredEncoderWindow win = window;
        win.begin(xs, steps);
        parallel(domBlocks, win::beginBlock);
        Work w = work(b);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            INDArray x = rows(xs, (long) s * b, (long) (s + 1) * b);
            losses[s] = step(w, b, x, null, java.util.Arrays.copyOfRange(labels, s * b, (s + 1) * b), win);
        }
        win.prepareMaterialise();
        parallel(domBlocks, win::materialiseBlock);
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
        return step(work(b), b, null, xd.reshape('c', m, b, d), labels, null);
    }

    /**
     * The step. Phase 1, per block of input domains (in parallel): encoder forward, hidden layer, trained decoders,
     * cross-entropy, backward down to dZ. Phase 2, two tasks: each block's encoder momenta (gemm with beta = mu) and
     * encoder update {@code E -= lr v_E}; task 0 also the decoder momenta, task 1 the W momenta and the bias
     * gradients and momenta. Then the caller updates everything after the encoders with one axpy.
     *
     * @param x   raw batch [b x D] (folded permutation domains), or null
     * @param x3  per-domain batch [M x b x D] when x is null
     * @param win the deferred encoder window this step belongs to (folded only), or null for the plain step: it
     *            computes the encoder forward and keeps dL/dZ, and the encoder update is left to it
     */
    private double step(Work w, int b, INDArray x, INDArray x3, int[] labels, DeferredEncoderWindow win) {
        double mu = cfg.momentum();
        if (win != null) {
            win.prepareStep();
        }
        parallel(domBlocks, t -> {
            Blk k = w.blk[t];
            int i0 = domSplit[t];
            int i1 = domSplit[t + 1];
            if (win != null) {
                win.forward(t, k.z);
                foldedToDomainMajor(w, b, i0, i1);
            } else if (x != null) {
                Nd4j.gemm(encDom[t], x, k.z, false, true, 1.0, 0.0);
                foldedToDomainMajor(w, b, i0, i1);
            } else {
                Nd4j.exec(new Mmul(domains(x3, t), enc3Dom[t], k.zp3, 1.0, 0.0,
                        MMulTranspose.builder().transposeB(true).build()));
                addEncoderBias(w, b, i0, i1);
            }
            Nd4j.gemm(k.zp, hid, k.u, false, true, 1.0, 0.0);
            addHiddenBias(w, b, i0, i1);
            Nd4j.pullRows(decExt, k.fg, 1, k.gather);
            Nd4j.exec(k.mmulLogits);
            crossEntropyAndGradient(w, k, b, labels, i0, i1);
            Nd4j.exec(k.mmulDecGrad);
            Nd4j.exec(k.mmulHiddenGrad);
            Nd4j.gemm(k.du, hid, k.dzp, false, false, 1.0, 0.0);
            if (x != null) {
                scatterFoldedGradient(w, b, i0, i1);
                if (win != null) {
                    win.record(t, k.dz);
                }
            } else {
                accumulateEncoderBiasGradient(w, b, i0, i1);
            }
        });
        double lr = cfg.learningRate();
        parallel(BLOCKS, t -> {
            if (t < domBlocks && win == null) {
                if (x != null) {
                    Nd4j.gemm(w.blk[t].dz, x, vEncDom[t], false, false, 1.0, mu);
                } else {
                    Nd4j.exec(new Mmul(w.blk[t].dzp3, domains(x3, t), vEnc3Dom[t], 1.0, mu,
                            MMulTranspose.builder().transposeA(true).build()));
                }
                Nd4j.getBlasWrapper().level1().axpy(encDomFlat[t].length(), -lr, vEncDomFlat[t], encDomFlat[t]);
            }
            if (t == 0) {
                Nd4j.pullRows(w.dfg, w.dfcol, 1, gatherBack);
                Nd4j.gemm(w.ones, w.dfcolFlat, vDecRow, false, false, 1.0, mu);
            } else {
                Nd4j.gemm(w.du, w.zp, vHid, true, false, 1.0, mu);
                hiddenAndDecoderBiasGradients(w, b);
                biasMomenta();
            }
        });
        Nd4j.getBlasWrapper().level1().axpy(restFlat.length(), -lr, vRestFlat, restFlat);
        if (win != null) {
            win.endStep();
        }
        double loss = 0;
        for (int i = 0; i < m; i++) {
            loss += w.lossSum[i];
        }
        return loss / ((double) b * trainedPairs);
    }

    /** Domains [domSplit[t], domSplit[t+1]) of a contiguous [M x r x q] array, as a view. */
    private INDArray domains(INDArray a3, int t) {
        long r = a3.size(1);
        long q = a3.size(2);
        int i0 = domSplit[t];
        return Nd4j.create(a3.data(), new long[] {domSplit[t + 1] - i0, r, q}, new long[] {r * q, q, 1},
                a3.offset() + i0 * r * q, 'c', a3.dataType());
    }

    /** Rows [r0, r1) of a contiguous 'c' matrix, as a view. */
    private static INDArray rows(INDArray a, long r0, long r1) {
        long q = a.size(1);
        return Nd4j.create(a.data(), new long[] {r1 - r0, q}, new long[] {q, 1}, a.offset() + r0 * q, 'c',
                a.dataType());
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

    private Work work(int b) {
        return work.computeIfAbsent(b, Work::new);
    }

    /** zp[i, s, k] = zt[i*H + k, s] + b_i[k] for domains [i0, i1) (zt = E x^T is [M*H x b]). */
    private void foldedToDomainMajor(Work w, int b, int i0, int i1) {
        Nio z = w.zNio;
        Nio zp = w.zpNio;
        for (int i = i0; i < i1; i++) {
            int biasBase = oEncBias + i * h;
            for (int k = 0; k < h; k++) {
                int src = (i * h + k) * b;
                double bias = pNio.get(biasBase + k);
                for (int s = 0; s < b; s++) {
                    zp.set((i * b + s) * h + k, z.get(src + s) + bias);
                }
            }
        }
    }

    /** u[i, s, k] += c[k] for domains [i0, i1) (one pass; a broadcast op measured ~0.1 ms per block at M = 40). */
    private void addHiddenBias(Work w, int b, int i0, int i1) {
        Nio u = w.uNio;
        for (int r = i0 * b; r < i1 * b; r++) {
            int base = r * h;
            for (int k = 0; k < h; k++) {
                u.set(base + k, u.get(base + k) + pNio.get(oHidBias + k));
            }
        }
    }

    private void addEncoderBias(Work w, int b, int i0, int i1) {
        Nio zp = w.zpNio;
        for (int i = i0; i < i1; i++) {
            int biasBase = oEncBias + i * h;
            for (int s = 0; s < b; s++) {
                int dst = (i * b + s) * h;
                for (int k = 0; k < h; k++) {
                    zp.set(dst + k, zp.get(dst + k) + pNio.get(biasBase + k));
                }
            }
        }
    }

    /**
     * Softmax cross-entropy over the trained pairs of input domains [i0, i1): writes dL/dlogits in place of the
     * logits and each domain's loss sum to {@code w.lossSum[i]}.
     */
    private void crossEntropyAndGradient(Work w, Blk blk, int b, int[] labels, int i0, int i1) {
        Nio y = w.yNio;
        double scale = 1.0 / ((double) b * trainedPairs);
        double[] p = blk.prob;
        int kc = kRow * c;
        for (int i = i0; i < i1; i++) {
            double loss = 0;
            for (int s = 0; s < b; s++) {
                int rowBase = (i * b + s) * kc;
                for (int k = 0; k < kRow; k++) {
                    int base = rowBase + k * c;
                    int j = trainedOut[i][k];
                    if (j < 0) {
                        for (int q = 0; q < c; q++) {
                            y.set(base + q, 0.0);
                        }
                        continue;
                    }
                    int biasBase = oDecBias + j * c;
                    for (int q = 0; q < c; q++) {
                        p[q] = y.get(base + q) + pNio.get(biasBase + q);
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
    private void hiddenAndDecoderBiasGradients(Work w, int b) {
        java.util.Arrays.fill(gHidBias, 0.0);
        Nio du = w.duNio;
        int rows = m * b;
        for (int r = 0; r < rows; r++) {
            int base = r * h;
            for (int k = 0; k < h; k++) {
                gHidBias[k] += du.get(base + k);
            }
        }
        java.util.Arrays.fill(gDecBias, 0.0);
        Nio y = w.yNio;
        int kc = kRow * c;
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < b; s++) {
                int rowBase = (i * b + s) * kc;
                for (int k = 0; k < kRow; k++) {
                    int j = trainedOut[i][k];
                    if (j < 0) {
                        continue;
                    }
                    int base = rowBase + k * c;
                    int gb = j * c;
                    for (int q = 0; q < c; q++) {
                        gDecBias[gb + q] += y.get(base + q);
                    }
                }
            }
        }
    }

    /** dzt[i*H + k, s] = dzp[i, s, k] for domains [i0, i1); also their encoder-bias gradients. */
    private void scatterFoldedGradient(Work w, int b, int i0, int i1) {
        Nio dzp = w.dzpNio;
        Nio dz = w.dzNio;
        for (int i = i0; i < i1; i++) {
            for (int k = 0; k < h; k++) {
                int dst = (i * h + k) * b;
                double sum = 0;
                for (int s = 0; s < b; s++) {
                    double g = dzp.get((i * b + s) * h + k);
                    dz.set(dst + s, g);
                    sum += g;
                }
                gEncBias[i * h + k] = sum;
            }
        }
    }

    private void accumulateEncoderBiasGradient(Work w, int b, int i0, int i1) {
        Nio dzp = w.dzpNio;
        java.util.Arrays.fill(gEncBias, i0 * h, i1 * h, 0.0);
        for (int i = i0; i < i1; i++) {
            int gb = i * h;
            for (int s = 0; s < b; s++) {
                int src = (i * b + s) * h;
                for (int k = 0; k < h; k++) {
                    gEncBias[gb + k] += dzp.get(src + k);
                }
            }
        }
    }

    private void biasMomenta() {
        double mu = cfg.momentum();
        momentum(oEncBias, gEncBias, mu);
        momentum(oHidBias, gHidBias, mu);
        momentum(oDecBias, gDecBias, mu);
    }

    private void momentum(int offset, double[] g, double mu) {
        for (int k = 0; k < g.length; k++) {
            vNio.set(offset + k, mu * vNio.get(offset + k) + g[k]);
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
        return evaluateInHalves(n, labels, (eval, s0, cn, stats) -> {
            INDArray xc = x.get(NDArrayIndex.interval(s0, s0 + cn), NDArrayIndex.all());
            INDArray z = Nd4j.gemm(xc, enc, false, true); // [cn x M*H] = rows (s, i) of H
            eval.add(z.reshape('c', (long) cn * m, h), java.util.Arrays.copyOfRange(labels, s0, s0 + cn), true,
                    stats);
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
        return evaluateInHalves(n, labels, (eval, s0, cn, stats) -> {
            INDArray zp = Nd4j.create(type, (long) m * cn, h);
            for (int i = 0; i < m; i++) {
                INDArray xi = xd.get(NDArrayIndex.interval((long) i * n + s0, (long) i * n + s0 + cn), NDArrayIndex.all());
                INDArray zi = zp.get(NDArrayIndex.interval((long) i * cn, (long) (i + 1) * cn), NDArrayIndex.all());
                Nd4j.gemm(xi, encoder(i), zi, false, true, 1.0, 0.0);
            }
            eval.add(zp, java.util.Arrays.copyOfRange(labels, s0, s0 + cn), false, stats);
        });
    }

    @FunctionalInterface
    private interface EvalChunk {
        void run(AllPathwaysEvaluation eval, int s0, int n, PairStats stats);
    }

    /**
     * Runs {@code chunk} over the images in chunks: the images in {@link #BLOCKS} fixed halves, one per thread, each
     * with its own sums, added in block order (so the numbers do not depend on the thread count).
     */
    private PairStats evaluateInHalves(int n, int[] labels, EvalChunk chunk) {
        AllPathwaysEvaluation eval = new AllPathwaysEvaluation(m, c, labelMaps, view(params, oEncBias, m, h), hid,
                hidBiasRow, dec, view(params, oDecBias, 1, m * c));
        int[] halves = split(n, BLOCKS, 1);
        PairStats[] parts = new PairStats[halves.length - 1];
        int size = Math.max(1, 4_000_000 / (m * m * c));
        parallel(parts.length, t -> {
            parts[t] = new PairStats(m);
            for (int s0 = halves[t]; s0 < halves[t + 1]; s0 += size) {
                chunk.run(eval, s0, Math.min(size, halves[t + 1] - s0), parts[t]);
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
        return sum / ((double) n * trainedPairs);
    }

    // ------------------------------------------------------------------------------------------ buffers

    /** Preallocated buffers and ops of one batch size. */
    private final class Work {
        final INDArray z;
        final INDArray zp;
        final INDArray y;
        final INDArray dfg;
        final INDArray dfcol;
        final INDArray dfcolFlat;
        final INDArray ones;
        final INDArray du;
        final Nio zNio;
        final Nio zpNio;
        final Nio uNio;
        final Nio yNio;
        final Nio duNio;
        final Nio dzpNio;
        final Nio dzNio;
        /** Loss sum of each input domain's trained pairs. */
        final double[] lossSum = new double[m];
        /** Views and ops of each block of input domains. */
        final Blk[] blk;

        Work(int b) {
            z = Nd4j.create(type, (long) m * h, b);
            zp = Nd4j.create(type, (long) m * b, h);
            INDArray u = Nd4j.create(type, (long) m * b, h);
            INDArray fg = Nd4j.create(type, (long) m * kRow, (long) c * h);
            y = Nd4j.create(type, (long) m * b, (long) kRow * c);
            dfg = Nd4j.create(type, (long) m * kRow + 1, (long) c * h);
            dfcol = Nd4j.create(type, (long) kCol * m, (long) c * h);
            dfcolFlat = dfcol.reshape('c', kCol, (long) m * c * h);
            ones = Nd4j.ones(type, 1, kCol);
            du = Nd4j.create(type, (long) m * b, h);
            INDArray dzp = Nd4j.create(type, (long) m * b, h);
            INDArray dz = Nd4j.create(type, (long) m * h, b);
            zNio = Nio.of(z);
            zpNio = Nio.of(zp);
            uNio = Nio.of(u);
            yNio = Nio.of(y);
            duNio = Nio.of(du);
            dzpNio = Nio.of(dzp);
            dzNio = Nio.of(dz);
            blk = new Blk[domBlocks];
            for (int t = 0; t < domBlocks; t++) {
                int i0 = domSplit[t];
                int i1 = domSplit[t + 1];
                blk[t] = new Blk(b, i0, i1, z, zp, u, fg, y, dfg, du, dzp, dz);
            }
        }
    }

    /** Input domains [i0, i1) of a step's buffers: row blocks of the Work arrays, and the batched ops over them. */
    private final class Blk {
        final INDArray z;
        final INDArray zp;
        final INDArray zp3;
        final INDArray u;
        final INDArray fg;
        final INDArray du;
        final INDArray dzp;
        final INDArray dzp3;
        final INDArray dz;
        final int[] gather;
        final Mmul mmulLogits;
        final Mmul mmulDecGrad;
        final Mmul mmulHiddenGrad;
        final double[] prob = new double[c];

        Blk(int b, int i0, int i1, INDArray zAll, INDArray zpAll, INDArray uAll, INDArray fgAll, INDArray yAll,
                INDArray dfgAll, INDArray duAll, INDArray dzpAll, INDArray dzAll) {
            int n = i1 - i0;
            z = rows(zAll, (long) i0 * h, (long) i1 * h);
            dz = rows(dzAll, (long) i0 * h, (long) i1 * h);
            zp = rows(zpAll, (long) i0 * b, (long) i1 * b);
            zp3 = zp.reshape('c', n, b, h);
            u = rows(uAll, (long) i0 * b, (long) i1 * b);
            INDArray u3 = u.reshape('c', n, b, h);
            fg = rows(fgAll, (long) i0 * kRow, (long) i1 * kRow);
            INDArray fg3 = fg.reshape('c', n, (long) kRow * c, h);
            INDArray y3 = rows(yAll, (long) i0 * b, (long) i1 * b).reshape('c', n, b, (long) kRow * c);
            INDArray dfg3 = rows(dfgAll, (long) i0 * kRow, (long) i1 * kRow).reshape('c', n, (long) kRow * c, h);
            du = rows(duAll, (long) i0 * b, (long) i1 * b);
            INDArray du3 = du.reshape('c', n, b, h);
            dzp = rows(dzpAll, (long) i0 * b, (long) i1 * b);
            dzp3 = dzp.reshape('c', n, b, h);
            gather = java.util.Arrays.copyOfRange(gatherDecoders, i0 * kRow, i1 * kRow);
            mmulLogits = new Mmul(u3, fg3, y3, 1.0, 0.0, MMulTranspose.builder().transposeB(true).build());
            mmulDecGrad = new Mmul(y3, u3, dfg3, 1.0, 0.0, MMulTranspose.builder().transposeA(true).build());
            mmulHiddenGrad = new Mmul(y3, fg3, du3, 1.0, 0.0, MMulTranspose.builder().build());
        }
    }
}
