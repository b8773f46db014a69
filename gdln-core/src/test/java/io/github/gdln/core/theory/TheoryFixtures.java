package io.github.gdln.core.theory;

import io.github.gdln.core.InitSpec;
import io.github.gdln.core.Registry;
import io.github.gdln.core.Simulation;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/** Shared set-ups of the theory tests. */
final class TheoryFixtures {
    private TheoryFixtures() {
    }

    /** The routing toy of docs/theory.md §3.2 (M = 7, K = 4, plus_minus_mod unless overridden), float64. */
    static Simulation routingToy(InitSpec init, long seed) {
        return routing(7, Map.of(), init, seed);
    }

    static Simulation routing(int m, Map<String, ?> gating, InitSpec init, long seed) {
        return Simulation.prepare(Registry.builtIn(), new Simulation.Setup("routing", Map.of("domains", m),
                "routing-toy", Map.of("domains", m), "routing", gating, init, DataType.DOUBLE, seed));
    }

    static double maxRelative(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }
}
