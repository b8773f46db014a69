package io.github.gdln.kpath;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threading decision for the CPU backend, measured on the 2-core development machine (numbers and commands in
 * {@code gdln-benchmarks/README.md}). The k-path step is a chain of small ops and memory-bound gemms; ND4J's OpenMP
 * pool and OpenBLAS's threads fight over the cores, and one thread everywhere is fastest: 94 steps/s at M = 40 with
 * {@code OMP_NUM_THREADS=1}, 29.5 with {@code OMP_NUM_THREADS=2}, 44 with no setting; a second OpenBLAS thread
 * ({@code OPENBLAS_NUM_THREADS=2}) gains nothing (91).
 *
 * <p><b>The launcher must set {@code OMP_NUM_THREADS=1}</b> in the process environment: the OpenMP runtime reads it
 * when the native library loads, and nothing set from Java afterwards recovers the speed (capping ND4J's and
 * OpenBLAS's threads through their APIs at start-up measured 33 steps/s, no better than the default). So this class
 * sets nothing: the launchers do ({@code scripts/gdln}, {@code scripts/test}, the surefire configuration, the SLURM
 * batch script), and {@link #check()} is what the k-path engine calls when a run starts, to warn when the variable is
 * missing. Parallelism across the runs of a sweep comes from running several single-threaded processes.
 */
public final class Threading {
    private static final Logger LOG = LoggerFactory.getLogger(Threading.class);

    private Threading() {
    }

    /** True when the environment holds {@code OMP_NUM_THREADS=1}. */
    public static boolean ompSingleThreaded() {
        return "1".equals(System.getenv("OMP_NUM_THREADS"));
    }

    /** Logs a warning (once per call) when {@code OMP_NUM_THREADS=1} is missing; returns whether it is set. */
    public static boolean check() {
        boolean ok = ompSingleThreaded();
        if (!ok) {
            LOG.warn("OMP_NUM_THREADS is {}, not 1: on small machines ND4J's OpenMP threads and OpenBLAS's threads "
                    + "fight and the k-path step runs 2-3x slower; start the JVM with OMP_NUM_THREADS=1 "
                    + "(the gdln launcher does)", System.getenv("OMP_NUM_THREADS"));
        }
        return ok;
    }
}
