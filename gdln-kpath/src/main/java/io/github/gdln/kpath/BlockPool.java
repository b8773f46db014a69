package io.github.gdln.kpath;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The k-path step's fork/join: runs the fixed blocks of a step on the calling thread and up to
 * {@code min(threads, BLOCKS) - 1} daemon workers, and returns when all are done. The block structure never depends on
 * the thread count, so the numbers do not either (see {@link KPathModel}).
 */
final class BlockPool {
    /**
     * Blocks of a step, whatever the thread count: the input domains in two halves (phase 1 of the step), the flat
     * update in two halves. The numbers depend on this block structure (a BLAS gemm over a row block does not in
     * general round like the same rows inside a larger gemm), never on how many threads run the blocks.
     */
    static final int BLOCKS = 2;

    /** {@code min(2, available processors)} (see {@link KPathModel#defaultThreads()}). */
    static int defaultThreads() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    private final int threads;
    /** Worker threads (min(threads, BLOCKS) - 1 of them, created on first use); null: one thread. */
    private final ThreadPoolExecutor pool;

    /** A pool for {@code threads} threads per step (>= 1). */
    BlockPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? newPool(Math.min(threads, BLOCKS) - 1) : null;
    }

    /** Threads per step. */
    int threads() {
        return threads;
    }

    /** Boundaries of at most {@code parts} near-equal blocks of [0, n), inner boundaries multiples of align. */
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

    /** One block of a step. */
    @FunctionalInterface
    interface Block {
        void run(int t);
    }

    /**
     * Runs {@code task(0 .. blocks-1)}: block 0 on the calling thread, the others on the workers (all on the caller
     * when there are no workers), and returns when all are done (also when one fails: no worker is left writing into
     * the model's arrays). Blocks touch disjoint rows.
     */
    void run(int blocks, Block task) {
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

}
