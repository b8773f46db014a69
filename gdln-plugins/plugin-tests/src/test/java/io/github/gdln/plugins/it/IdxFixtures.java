package io.github.gdln.plugins.it;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Writes tiny MNIST-format IDX files for tests. */
final class IdxFixtures {
    private IdxFixtures() {
    }

    /** Writes {@code dataset}/ with the four IDX files (n train, n/2 test, 28x28, labels 0..9) under {@code root}. */
    static void write(Path root, String dataset, int n, long seed) throws IOException {
        Path dir = Files.createDirectories(root.resolve(dataset));
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
