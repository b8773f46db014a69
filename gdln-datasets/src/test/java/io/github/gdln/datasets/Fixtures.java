package io.github.gdln.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds IDX and CIFAR-10 files (well-formed or deliberately broken) for the tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** IDX bytes: the magic number, the dimension sizes, then {@code data}. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** A well-formed image file of {@code count} rows x cols images whose pixel k of image i is (i*7+k) mod 256. */
    static byte[] images(int count, int rows, int cols) {
        return idx(IdxReader.IMAGE_MAGIC, new int[] {count, rows, cols}, pixelBytes(count * rows * cols));
    }

    /** A well-formed label file. */
    static byte[] labels(int... labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(IdxReader.LABEL_MAGIC, new int[] {labels.length}, data);
    }

    static byte[] pixelBytes(int n) {
        byte[] data = new byte[n];
        for (int k = 0; k < n; k++) {
            data[k] = (byte) ((k * 7 + k / 3) % 256);
        }
        return data;
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(bytes);
        }
        return bos.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    /** CIFAR-10 records: record i has label labels[i] and pixel k = (i + k) mod 256. */
    static byte[] cifar(int... labels) {
        byte[] out = new byte[labels.length * Cifar10Reader.RECORD_BYTES];
        for (int i = 0; i < labels.length; i++) {
            int off = i * Cifar10Reader.RECORD_BYTES;
            out[off] = (byte) labels[i];
            for (int k = 0; k < Cifar10Reader.RECORD_BYTES - 1; k++) {
                out[off + 1 + k] = (byte) ((i + k) % 256);
            }
        }
        return out;
    }
}
