package io.github.gdln.core.util;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives independent random streams from a run's single root seed. Every stream has a fixed name, so adding a new
 * stream never shifts the numbers of the others:
 * <ul>
 *   <li>{@code task}: the task's own randomness (e.g. pixel permutations of the input domains);</li>
 *   <li>{@code gating}: the gating scheme's (e.g. permuted columns of the trained-pathway matrix);</li>
 *   <li>{@code init}: weight initialisation, consumed edge by edge in the compiled edge order;</li>
 *   <li>{@code batching}: the order of samples in each epoch of minibatch training.</li>
 * </ul>
 * The derived seed is a SplitMix64 mix of the root seed and the stream name's bytes; no global RNG is used anywhere.
 */
public final class Seeds {
    public static final String TASK = "task";
    public static final String GATING = "gating";
    public static final String INIT = "init";
    public static final String BATCHING = "batching";

    private Seeds() {
    }

    /** The seed of stream {@code name} under {@code root}. */
    public static long derive(long root, String name) {
        long h = mix(root);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xff));
        }
        return h;
    }

    /** A random generator for stream {@code name} under {@code root}. */
    public static SplittableRandom stream(long root, String name) {
        return new SplittableRandom(derive(root, name));
    }

    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
