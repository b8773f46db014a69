package io.github.gdln.datasets.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Tiny MNIST-format datasets for tests: the four IDX files with random 28 x 28 pixels and labels 0..9. Published in
 * gdln-datasets' test jar for the plugin and command-line tests.
 */
public final class IdxFixtures {
    private IdxFixtures() {
    }

    /** Writes the four IDX files (n training, n/2 test images) into {@code dir}, creating it. */
    public static void writeMnist(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        images(dir.resolve("train-images-idx3-ubyte"), n, r);
        labels(dir.resolve("train-labels-idx1-ubyte"), n, r);
        images(dir.resolve("t10k-images-idx3-ubyte"), n / 2, r);
        labels(dir.resolve("t10k-labels-idx1-ubyte"), n / 2, r);
    }

    private static void images(Path file, int n, SplittableRandom r) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(2051);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            for (int k = 0; k < n * 784; k++) {
                out.writeByte(r.nextInt(256));
            }
        }
    }

    private static void labels(Path file, int n, SplittableRandom r) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(os)) {
            out.writeInt(2049);
            out.writeInt(n);
            for (int k = 0; k < n; k++) {
                out.writeByte(r.nextInt(10));
            }
        }
    }
}
