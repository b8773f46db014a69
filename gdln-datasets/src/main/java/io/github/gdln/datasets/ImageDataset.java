package io.github.gdln.datasets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A labelled image dataset held in memory.
 *
 * <p>Row {@code i} of {@code pixels} holds sample {@code i}: {@code features() = channels * rows * cols} floats in
 * [0, 1] (the byte value / 255, as torchvision's {@code ToTensor}), channel-major: index
 * {@code (c * rows + r) * cols + col}. MNIST has one channel; CIFAR-10 has three (red, green, blue).
 * The arrays are shared, not copied: treat them as read-only. Equality of records is by array identity.
 *
 * @param source   a human-readable description of where the data came from (file names)
 * @param count    number of samples N
 * @param rows     image height
 * @param cols     image width
 * @param channels number of channels
 * @param pixels   N x (channels*rows*cols) values in [0, 1], row-major
 * @param labels   N class labels in 0..classes-1
 * @param classes  number of classes
 * @param sha256   SHA-256 (lower-case hex) of the bytes of every file read, by file path, for provenance
 */
public record ImageDataset(String source, int count, int rows, int cols, int channels, float[] pixels, int[] labels,
                           int classes, Map<String, String> sha256) {

    /** Checks that the shapes agree; throws {@link IllegalArgumentException} naming the source otherwise. */
    public ImageDataset {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(sha256, "sha256")));
        if (count < 0 || rows <= 0 || cols <= 0 || channels <= 0 || classes <= 0) {
            throw new IllegalArgumentException(source + ": sizes must be positive, got count=" + count + ", rows="
                    + rows + ", cols=" + cols + ", channels=" + channels + ", classes=" + classes);
        }
        long expected = (long) count * channels * rows * cols;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(source + ": " + pixels.length + " pixel values, expected count x "
                    + "channels x rows x cols = " + count + " x " + channels + " x " + rows + " x " + cols + " = "
                    + expected);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(source + ": " + labels.length + " labels, expected " + count);
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(source + ": label " + labels[i] + " of sample " + i
                        + " out of range 0.." + (classes - 1));
            }
        }
    }

    /** Values per sample: {@code channels * rows * cols}. */
    public int features() {
        return channels * rows * cols;
    }

    /**
     * Copies the pixels of sample {@code sample} into {@code dest} starting at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the sample or the destination range is out of bounds
     */
    public void copyRow(int sample, float[] dest, int offset) {
        Objects.checkIndex(sample, count);
        int n = features();
        System.arraycopy(pixels, sample * n, dest, offset, n);
    }

    /** Copies the pixels of sample {@code sample} into {@code dest} (as doubles) starting at {@code offset}. */
    public void copyRow(int sample, double[] dest, int offset) {
        Objects.checkIndex(sample, count);
        int n = features();
        Objects.checkFromIndexSize(offset, n, dest.length);
        int base = sample * n;
        for (int k = 0; k < n; k++) {
            dest[offset + k] = pixels[base + k];
        }
    }
}
