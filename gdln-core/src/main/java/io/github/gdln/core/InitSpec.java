package io.github.gdln.core;

import io.github.gdln.core.engine.AlignedInitializer;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.engine.GatedNetwork;
import io.github.gdln.core.engine.Initializer;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The initialisation of a run: {@code gaussian} (std = scale), {@code orthogonal} (every singular value = scale),
 * {@code xavier} (uniform, gain = scale), {@code zero}, or {@code aligned} (the decoupled start of docs/theory.md §2.1
 * with b0 = scale).
 *
 * @param scheme the scheme's name
 * @param scale  its scale, gain or b0
 */
public record InitSpec(String scheme, double scale) {
    public InitSpec {
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("init scale must be a finite number >= 0, was " + scale);
        }
        if (!scheme.equals("aligned")) {
            Initializer.of(scheme, scale); // validates the name
        }
    }

    /** Initialises {@code net} for {@code task} from the {@code init} random stream. */
    public void apply(GatedNetwork net, BoundTask task, SplittableRandom rng) {
        if (scheme.equals("aligned")) {
            new AlignedInitializer(scale).initialize(net, task, rng);
        } else {
            Initializer.of(scheme, scale).initialize(net, rng);
        }
    }
}
