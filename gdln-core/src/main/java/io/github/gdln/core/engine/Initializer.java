package io.github.gdln.core.engine;

import io.github.gdln.core.util.Matrices;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random weight initialisation of a whole network from the {@code init} stream, edge by edge in the compiled order.
 * The aligned ("decoupled") start of docs/theory.md §2.1 needs the task's statistics and lives in
 * {@link AlignedInitializer}.
 */
public sealed interface Initializer permits Initializer.Gaussian, Initializer.Orthogonal, Initializer.Xavier,
        Initializer.Zero {

    /** Writes W_e for every edge of {@code net}. */
    default void initialize(GatedNetwork net, SplittableRandom rng) {
        for (int e = 0; e < net.graph().edgeCount(); e++) {
            int rows = net.graph().width(net.graph().target(e));
            int cols = net.graph().width(net.graph().source(e));
            net.setWeight(e, matrix(rng, rows, cols));
        }
    }

    /** The matrix of one edge. */
    double[][] matrix(SplittableRandom rng, int rows, int cols);

    /** Entries i.i.d. N(0, scale²). */
    record Gaussian(double scale) implements Initializer {
        @Override
        public double[][] matrix(SplittableRandom rng, int rows, int cols) {
            double[][] m = Matrices.gaussian(rng, rows, cols);
            for (double[] row : m) {
                for (int j = 0; j < cols; j++) {
                    row[j] *= scale;
                }
            }
            return m;
        }
    }

    /** scale times a random (semi-)orthogonal matrix: every singular value equals {@code scale}. */
    record Orthogonal(double scale) implements Initializer {
        @Override
        public double[][] matrix(SplittableRandom rng, int rows, int cols) {
            double[][] m = Matrices.orthogonal(rng, rows, cols);
            for (double[] row : m) {
                for (int j = 0; j < cols; j++) {
                    row[j] *= scale;
                }
            }
            return m;
        }
    }

    /** Xavier (Glorot) uniform: U(−a, a) with a = gain √(6 / (fan_in + fan_out)). */
    record Xavier(double gain) implements Initializer {
        @Override
        public double[][] matrix(SplittableRandom rng, int rows, int cols) {
            double a = gain * Math.sqrt(6.0 / (rows + cols));
            double[][] m = new double[rows][cols];
            for (double[] row : m) {
                for (int j = 0; j < cols; j++) {
                    row[j] = a * (2 * rng.nextDouble() - 1);
                }
            }
            return m;
        }
    }

    /** All zeros (a saddle point: nothing learns from it; useful for tests and for setting weights by hand). */
    record Zero() implements Initializer {
        @Override
        public double[][] matrix(SplittableRandom rng, int rows, int cols) {
            return new double[rows][cols];
        }
    }

    /** Parses {@code gaussian}, {@code orthogonal}, {@code xavier} or {@code zero} with its scale or gain. */
    static Initializer of(String scheme, double scale) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "gaussian" -> new Gaussian(scale);
            case "orthogonal" -> new Orthogonal(scale);
            case "xavier" -> new Xavier(scale);
            case "zero" -> new Zero();
            default -> throw new IllegalArgumentException("unknown initialisation '" + scheme
                    + "'; expected one of gaussian, orthogonal, xavier, zero, aligned");
        };
    }
}
