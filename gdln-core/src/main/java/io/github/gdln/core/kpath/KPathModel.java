package io.github.gdln.core.kpath;

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
 * The k-path routing model of THEORY.md section 4.1 with a fused, allocation-free SGD-with-momentum step.
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
 * used by Java threads over independent blocks instead. With {@code threads > 1} (default
 * {@link #defaultThreads()} = min(2, available processors)) the two encoder gemms, the forward {@code Z^T = E x^T}
 * and the momentum gemm {@code v_E = mu v_E + dZ^T x}, are split by row blocks of the [M*H x D] encoder matrix, and
 * the update {@code p -= lr v} by blocks of the flat arrays; each block is one single-threaded ND4J op on views, run
 * by the caller and by {@code threads - 1} daemon workers created once per model (they exit when idle). Blocks start
 * at multiples of 64 rows (elements), so each op is the one-thread computation restricted to its rows: every number
 * is bit-for-bit the same for every thread count (a test asserts it). On the 2-core benchmark machine this took the
 * M = 40 step from ~760 to ~1100 images/s (gdln-benchmarks/README.md).
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

    private final int threads;
    /** Worker threads of the row-block split (threads - 1 of them, created on first use); null when one block. */
    private final ThreadPoolExecutor pool;
    /** Row boundaries of the encoder blocks: block t is rows [encSplit[t], encSplit[t+1]) of the [M*H x D] matrix. */
    private final int[] encSplit;
    private final INDArray[] encBlock;
    private final INDArray[] vEncBlock;
    private final INDArray[] encBlockFlat;
    private final INDArray[] vEncBlockFlat;
    /** Domain boundaries of the per-domain path's blocks (input domains [domSplit[t], domSplit[t+1])). */
    private final int[] domSplit;
    private final INDArray[] enc3Block;
    private final INDArray[] vEnc3Block;
    /** Parameters and momenta after the encoders, [oHid, total), updated by the calling thread. */
    private final INDArray restFlat;
    private final INDArray vRestFlat;
    /** Aligned halves (blocks) of the whole flat vectors, for the per-domain path's update. */
    private final int[] flatSplit;
    private final INDArray[] flatBlock;
    private final INDArray[] vFlatBlock;

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
     * Creates and initialises a model that splits the encoder work of a step over {@code threads} Java threads (the
     * caller and {@code threads - 1} workers); see the class javadoc. Every number computed is the same for every
     * thread count.
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
        encSplit = split(m * h, threads, ROW_ALIGN);
        int eb = encSplit.length - 1;
        encBlock = new INDArray[eb];
        vEncBlock = new INDArray[eb];
        encBlockFlat = new INDArray[eb];
        vEncBlockFlat = new INDArray[eb];
        for (int t = 0; t < eb; t++) {
            int r0 = encSplit[t];
            int rows = encSplit[t + 1] - r0;
            encBlock[t] = view(params, oEnc + r0 * d, rows, d);
            vEncBlock[t] = view(velocity, oEnc + r0 * d, rows, d);
            encBlockFlat[t] = view(params, oEnc + r0 * d, (long) rows * d);
            vEncBlockFlat[t] = view(velocity, oEnc + r0 * d, (long) rows * d);
        }
        domSplit = split(m, threads, 1);
        int db = domSplit.length - 1;
        enc3Block = new INDArray[db];
        vEnc3Block = new INDArray[db];
        for (int t = 0; t < db; t++) {
            int i0 = domSplit[t];
            int n = domSplit[t + 1] - i0;
            enc3Block[t] = view(params, oEnc + i0 * h * d, n, h, d);
            vEnc3Block[t] = view(velocity, oEnc + i0 * h * d, n, h, d);
        }
        restFlat = view(params, oHid, total - oHid);
        vRestFlat = view(velocity, oHid, total - oHid);
        flatSplit = split(total, threads, FLAT_ALIGN);
        int fb = flatSplit.length - 1;
        flatBlock = new INDArray[fb];
        vFlatBlock = new INDArray[fb];
        for (int t = 0; t < fb; t++) {
            flatBlock[t] = view(params, flatSplit[t], flatSplit[t + 1] - flatSplit[t]);
            vFlatBlock[t] = view(velocity, flatSplit[t], flatSplit[t + 1] - flatSplit[t]);
        }
        pool = Math.max(eb, Math.max(db, fb)) > 1 ? newPool(threads - 1) : null;
        initialise();
    }

    /**
     * Row blocks of an encoder split start at multiples of this many rows: then every block's first element sits at a
     * multiple of 64 elements of the flat arrays whatever D is, so the vectorised BLAS kernels block a split range
     * exactly as they block the whole one (and a block has at least one full gemm tile of rows).
     */
    static final int ROW_ALIGN = 64;
    /** Split points of the flat update are multiples of this many elements (see {@link #ROW_ALIGN}). */
    static final int FLAT_ALIGN = 64;

    /**
     * Default threads per step: {@code min(2, available processors)}. On the 2-core benchmark machine the second
     * thread runs half of the encoder gemms and of the update (see gdln-benchmarks/README.md, threading).
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
     * Runs {@code task(0 .. blocks-1)}: block 0 on the calling thread, the others on the workers, and returns when all
     * are done (also when one fails: no worker is left writing into the model's arrays). Blocks touch disjoint rows.
     */
    private void parallel(int blocks, Block task) {
        if (blocks == 1) {
            task.run(0);
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
        Work w = work(b);
        int blocks = encBlock.length;
        if (blocks == 1) {
            Nd4j.gemm(enc, x, w.z, false, true, 1.0, 0.0);
        } else {
            parallel(blocks, t -> Nd4j.gemm(encBlock[t], x, w.zBlock[t], false, true, 1.0, 0.0));
        }
        foldedToDomainMajor(w, b);
        double loss = forwardBackwardHead(w, b, labels);
        scatterFoldedGradient(w, b);
        double mu = cfg.momentum();
        if (blocks == 1) {
            Nd4j.gemm(w.dz, x, vEnc, false, false, 1.0, mu);
            update();
        } else {
            // each block: its rows of the encoder momenta, then its rows of p -= lr v; the caller also the rest
            double lr = cfg.learningRate();
            parallel(blocks, t -> {
                Nd4j.gemm(w.dzBlock[t], x, vEncBlock[t], false, false, 1.0, mu);
                Nd4j.getBlasWrapper().level1().axpy(encBlockFlat[t].length(), -lr, vEncBlockFlat[t], encBlockFlat[t]);
                if (t == 0) {
                    biasMomenta();
                    Nd4j.getBlasWrapper().level1().axpy(restFlat.length(), -lr, vRestFlat, restFlat);
                }
            });
        }
        return loss;
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
        Work w = work(b);
        INDArray x3 = xd.reshape('c', m, b, d);
        int blocks = enc3Block.length;
        if (blocks == 1) {
            Nd4j.exec(new Mmul(x3, enc3, w.zp3, 1.0, 0.0, MMulTranspose.builder().transposeB(true).build()));
        } else {
            parallel(blocks, t -> Nd4j.exec(new Mmul(domains(x3, t), enc3Block[t], domains(w.zp3, t), 1.0, 0.0,
                    MMulTranspose.builder().transposeB(true).build())));
        }
        addEncoderBias(w, b);
        double loss = forwardBackwardHead(w, b, labels);
        accumulateEncoderBiasGradient(w, b);
        double mu = cfg.momentum();
        if (blocks == 1) {
            Nd4j.exec(new Mmul(w.dzp3, x3, vEnc3, 1.0, mu, MMulTranspose.builder().transposeA(true).build()));
        } else {
            parallel(blocks, t -> Nd4j.exec(new Mmul(domains(w.dzp3, t), domains(x3, t), vEnc3Block[t], 1.0, mu,
                    MMulTranspose.builder().transposeA(true).build())));
        }
        update();
        return loss;
    }

    /** Domains [domSplit[t], domSplit[t+1]) of a contiguous [M x r x q] array, as a view. */
    private INDArray domains(INDArray a3, int t) {
        long r = a3.size(1);
        long q = a3.size(2);
        int i0 = domSplit[t];
        return Nd4j.create(a3.data(), new long[] {domSplit[t + 1] - i0, r, q}, new long[] {r * q, q, 1},
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

    private Work work(int b) {
        return work.computeIfAbsent(b, Work::new);
    }

    /** zp[i, s, k] = zt[i*H + k, s] + b_i[k] (zt = E x^T is [M*H x b]). */
    private void foldedToDomainMajor(Work w, int b) {
        Nio z = w.zNio;
        Nio zp = w.zpNio;
        for (int i = 0; i < m; i++) {
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

    private void addEncoderBias(Work w, int b) {
        Nio zp = w.zpNio;
        for (int i = 0; i < m; i++) {
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
     * Hidden layer, trained decoders, cross-entropy and the backward pass down to dZp; accumulates the momenta of W,
     * the decoders, c and d. Leaves dZp in {@code w.dzp} and returns the loss.
     */
    private double forwardBackwardHead(Work w, int b, int[] labels) {
        double mu = cfg.momentum();
        Nd4j.gemm(w.zp, hid, w.u, false, true, 1.0, 0.0);
        w.u.addiRowVector(hidBiasRow);
        Nd4j.pullRows(decExt, w.fg, 1, gatherDecoders);
        Nd4j.exec(w.mmulLogits);
        double loss = crossEntropyAndGradient(w, b, labels);
        Nd4j.exec(w.mmulDecGrad);
        Nd4j.exec(w.mmulHiddenGrad);
        Nd4j.pullRows(w.dfg, w.dfcol, 1, gatherBack);
        Nd4j.gemm(w.ones, w.dfcolFlat, vDecRow, false, false, 1.0, mu);
        Nd4j.gemm(w.du, w.zp, vHid, true, false, 1.0, mu);
        Nd4j.gemm(w.du, hid, w.dzp, false, false, 1.0, 0.0);
        // hidden bias gradient: column sums of dU
        java.util.Arrays.fill(gHidBias, 0.0);
        Nio du = w.duNio;
        int rows = m * b;
        for (int r = 0; r < rows; r++) {
            int base = r * h;
            for (int k = 0; k < h; k++) {
                gHidBias[k] += du.get(base + k);
            }
        }
        return loss;
    }

    /** Softmax cross-entropy over trained pairs; writes dL/dlogits in place of the logits and the decoder-bias grad. */
    private double crossEntropyAndGradient(Work w, int b, int[] labels) {
        Nio y = w.yNio;
        double scale = 1.0 / ((double) b * trainedPairs);
        double[] p = w.prob;
        java.util.Arrays.fill(gDecBias, 0.0);
        double loss = 0;
        int kc = kRow * c;
        for (int i = 0; i < m; i++) {
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
                    double max = Double.NEGATIVE_INFINITY;
                    for (int q = 0; q < c; q++) {
                        double v = y.get(base + q) + pNio.get(biasBase + q);
                        p[q] = v;
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (int q = 0; q < c; q++) {
                        double e = Math.exp(p[q] - max);
                        p[q] = e;
                        sum += e;
                    }
                    int t = labelMaps[j][labels[s]];
                    loss += Math.log(sum) - Math.log(p[t]);
                    double inv = 1.0 / sum;
                    int gb = j * c;
                    for (int q = 0; q < c; q++) {
                        double g = (p[q] * inv - (q == t ? 1.0 : 0.0)) * scale;
                        y.set(base + q, g);
                        gDecBias[gb + q] += g;
                    }
                }
            }
        }
        return loss * scale;
    }

    /** dzt[i*H + k, s] = dzp[i, s, k]; also the encoder-bias gradient. */
    private void scatterFoldedGradient(Work w, int b) {
        Nio dzp = w.dzpNio;
        Nio dz = w.dzNio;
        for (int i = 0; i < m; i++) {
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

    private void accumulateEncoderBiasGradient(Work w, int b) {
        Nio dzp = w.dzpNio;
        java.util.Arrays.fill(gEncBias, 0.0);
        for (int i = 0; i < m; i++) {
            int gb = i * h;
            for (int s = 0; s < b; s++) {
                int src = (i * b + s) * h;
                for (int k = 0; k < h; k++) {
                    gEncBias[gb + k] += dzp.get(src + k);
                }
            }
        }
    }

    /** Bias momenta in Java, then p -= lr v over the whole flat parameter array with one axpy. */
    private void update() {
        biasMomenta();
        double lr = cfg.learningRate();
        if (flatBlock.length == 1) {
            Nd4j.getBlasWrapper().level1().axpy(total, -lr, velocity, params);
        } else {
            parallel(flatBlock.length, t ->
                    Nd4j.getBlasWrapper().level1().axpy(flatBlock[t].length(), -lr, vFlatBlock[t], flatBlock[t]));
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
        PairStats stats = new PairStats(m);
        int chunk = evalChunk();
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int cn = Math.min(chunk, n - s0);
            INDArray xc = x.get(NDArrayIndex.interval(s0, s0 + cn), NDArrayIndex.all());
            INDArray z = Nd4j.gemm(xc, enc, false, true);
            INDArray zp = z.reshape('c', cn, m, h).permute(1, 0, 2).dup('c').reshape('c', (long) m * cn, h);
            evaluateChunk(zp, cn, java.util.Arrays.copyOfRange(labels, s0, s0 + cn), stats);
        }
        return stats;
    }

    /**
     * Loss and correct counts of all M² pathways on a batch transformed per input domain.
     *
     * @param xd     [M*n x D]: rows i*n .. i*n+n-1 hold the n images as seen by input domain i
     * @param labels n labels
     */
    public PairStats evaluatePerDomain(INDArray xd, int[] labels) {
        int n = checkBatch(xd, labels, m);
        PairStats stats = new PairStats(m);
        int chunk = evalChunk();
        for (int s0 = 0; s0 < n; s0 += chunk) {
            int cn = Math.min(chunk, n - s0);
            INDArray zp = Nd4j.create(type, (long) m * cn, h);
            for (int i = 0; i < m; i++) {
                INDArray xi = xd.get(NDArrayIndex.interval((long) i * n + s0, (long) i * n + s0 + cn), NDArrayIndex.all());
                INDArray zi = zp.get(NDArrayIndex.interval((long) i * cn, (long) (i + 1) * cn), NDArrayIndex.all());
                Nd4j.gemm(xi, encoder(i), zi, false, true, 1.0, 0.0);
            }
            evaluateChunk(zp, cn, java.util.Arrays.copyOfRange(labels, s0, s0 + cn), stats);
        }
        return stats;
    }

    private int evalChunk() {
        return Math.max(1, 4_000_000 / (m * m * c + m * h));
    }

    /** zp: [M*n x H] encoder outputs without bias, rows (i, s). */
    private void evaluateChunk(INDArray zp, int n, int[] labels, PairStats stats) {
        INDArray encBias = view(params, oEncBias, m, 1, h);
        INDArray zp3 = zp.reshape('c', m, n, h);
        zp3.addi(encBias.broadcast(m, n, h));
        INDArray u = Nd4j.gemm(zp, hid, false, true);
        u.addiRowVector(hidBiasRow);
        INDArray y = Nd4j.gemm(u, dec, false, true); // [M*n x M*C]
        y.addiRowVector(view(params, oDecBias, 1, m * c));
        Nio yn = Nio.of(y);
        int mc = m * c;
        for (int i = 0; i < m; i++) {
            for (int s = 0; s < n; s++) {
                int row = (i * n + s) * mc;
                for (int j = 0; j < m; j++) {
                    int base = row + j * c;
                    int t = labelMaps[j][labels[s]];
                    double max = Double.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int q = 0; q < c; q++) {
                        double v = yn.get(base + q);
                        if (v > max) {
                            max = v;
                            arg = q;
                        }
                    }
                    double sum = 0;
                    for (int q = 0; q < c; q++) {
                        sum += Math.exp(yn.get(base + q) - max);
                    }
                    stats.addPair(i, j, Math.log(sum) + max - yn.get(base + t), arg == t);
                }
            }
        }
        stats.addSamples(n);
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
        final INDArray zp3;
        final INDArray u;
        final INDArray fg;
        final INDArray y;
        final INDArray dfg;
        final INDArray dfcol;
        final INDArray dfcolFlat;
        final INDArray ones;
        final INDArray du;
        final INDArray dzp;
        final INDArray dzp3;
        final INDArray dz;
        final Mmul mmulLogits;
        final Mmul mmulDecGrad;
        final Mmul mmulHiddenGrad;
        final Nio zNio;
        final Nio zpNio;
        final Nio yNio;
        final Nio duNio;
        final Nio dzpNio;
        final Nio dzNio;
        final double[] prob = new double[c];
        /** Row blocks of z and dz matching the encoder blocks. */
        final INDArray[] zBlock;
        final INDArray[] dzBlock;

        Work(int b) {
            z = Nd4j.create(type, (long) m * h, b);
            zp = Nd4j.create(type, (long) m * b, h);
            zp3 = zp.reshape('c', m, b, h);
            u = Nd4j.create(type, (long) m * b, h);
            INDArray u3 = u.reshape('c', m, b, h);
            fg = Nd4j.create(type, (long) m * kRow, (long) c * h);
            INDArray fg3 = fg.reshape('c', m, (long) kRow * c, h);
            y = Nd4j.create(type, (long) m * b, (long) kRow * c);
            INDArray y3 = y.reshape('c', m, b, (long) kRow * c);
            dfg = Nd4j.create(type, (long) m * kRow + 1, (long) c * h);
            INDArray dfg3 = view(dfg, 0, m, (long) kRow * c, h);
            dfcol = Nd4j.create(type, (long) kCol * m, (long) c * h);
            dfcolFlat = dfcol.reshape('c', kCol, (long) m * c * h);
            ones = Nd4j.ones(type, 1, kCol);
            du = Nd4j.create(type, (long) m * b, h);
            INDArray du3 = du.reshape('c', m, b, h);
            dzp = Nd4j.create(type, (long) m * b, h);
            dzp3 = dzp.reshape('c', m, b, h);
            dz = Nd4j.create(type, (long) m * h, b);
            mmulLogits = new Mmul(u3, fg3, y3, 1.0, 0.0, MMulTranspose.builder().transposeB(true).build());
            mmulDecGrad = new Mmul(y3, u3, dfg3, 1.0, 0.0, MMulTranspose.builder().transposeA(true).build());
            mmulHiddenGrad = new Mmul(y3, fg3, du3, 1.0, 0.0, MMulTranspose.builder().build());
            zNio = Nio.of(z);
            zpNio = Nio.of(zp);
            yNio = Nio.of(y);
            duNio = Nio.of(du);
            dzpNio = Nio.of(dzp);
            dzNio = Nio.of(dz);
            zBlock = new INDArray[encBlock.length];
            dzBlock = new INDArray[encBlock.length];
            for (int t = 0; t < encBlock.length; t++) {
                int r0 = encSplit[t];
                int rows = encSplit[t + 1] - r0;
                zBlock[t] = view(z, r0 * b, rows, b);
                dzBlock[t] = view(dz, r0 * b, rows, b);
            }
        }
    }
}
