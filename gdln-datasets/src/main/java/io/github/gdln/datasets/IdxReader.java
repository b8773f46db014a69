package io.github.gdln.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads MNIST-format IDX files of unsigned bytes: images (magic number 2051, dimensions count x rows x cols) and
 * labels (magic number 2049, dimension count). Files may be plain or gzip-compressed; gzip is detected by its magic
 * bytes 0x1f 0x8b, not by the file name. Pixels are scaled to [0, 1] by dividing by 255.
 *
 * <p>Every malformed file fails with a {@link DatasetFormatException} that names the file and what is wrong: a bad
 * magic number (value and expected value), a wrong dimension count, a byte count that does not match the declared
 * sizes (truncated file or extra bytes), a label out of range, or image and label counts that differ. A missing file
 * fails with a {@link DatasetNotFoundException}. The SHA-256 of every file's stored bytes is kept for provenance.
 */
public final class IdxReader {

    /** Magic number of an IDX image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGE_MAGIC = 2051;
    /** Magic number of an IDX label file: unsigned bytes, 1 dimension. */
    public static final int LABEL_MAGIC = 2049;
    /** Number of classes of MNIST and Fashion-MNIST. */
    public static final int MNIST_CLASSES = 10;

    private IdxReader() {
    }

    /**
     * The images of one IDX image file.
     *
     * @param file   the file read
     * @param count  number of images
     * @param rows   image height
     * @param cols   image width
     * @param pixels count x rows x cols values in [0, 1], row-major
     * @param sha256 SHA-256 (hex) of the file's bytes as stored
     */
    public record Images(Path file, int count, int rows, int cols, float[] pixels, String sha256) {
    }

    /**
     * The labels of one IDX label file.
     *
     * @param file   the file read
     * @param labels the labels, each in 0..classes-1
     * @param sha256 SHA-256 (hex) of the file's bytes as stored
     */
    public record Labels(Path file, int[] labels, String sha256) {
    }

    /** Reads an IDX image file (magic 2051). */
    public static Images readImages(Path file) throws IOException {
        IdxFile idx = IdxFile.read(file, 3, "images");
        byte[] data = idx.data();
        float[] pixels = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            pixels[i] = (data[i] & 0xff) / 255f;
        }
        int[] d = idx.dims();
        return new Images(file, d[0], d[1], d[2], pixels, idx.sha256());
    }

    /** Reads an IDX label file (magic 2049) whose labels must lie in 0..9. */
    public static Labels readLabels(Path file) throws IOException {
        return readLabels(file, MNIST_CLASSES);
    }

    /** Reads an IDX label file (magic 2049) whose labels must lie in 0..classes-1. */
    public static Labels readLabels(Path file, int classes) throws IOException {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("classes must be in 1..256 for byte labels, got " + classes);
        }
        IdxFile idx = IdxFile.read(file, 1, "labels");
        byte[] data = idx.data();
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i] & 0xff;
            if (labels[i] >= classes) {
                throw new DatasetFormatException(file, "label " + labels[i] + " of item " + i + " out of range 0.."
                        + (classes - 1));
            }
        }
        return new Labels(file, labels, idx.sha256());
    }

    /** Reads an image file and its label file (10 classes) into one dataset. */
    public static ImageDataset load(Path images, Path labels) throws IOException {
        return load(images, labels, MNIST_CLASSES);
    }

    /**
     * Reads an image file and its label file into one dataset.
     *
     * @throws DatasetFormatException if either file is malformed or the image and label counts differ
     */
    public static ImageDataset load(Path images, Path labels, int classes) throws IOException {
        Images im = readImages(images);
        Labels lb = readLabels(labels, classes);
        if (lb.labels().length != im.count()) {
            throw new DatasetFormatException(labels, "count mismatch: " + lb.labels().length + " labels, but the"
                    + " image file " + images + " holds " + im.count() + " images");
        }
        Map<String, String> sha = new LinkedHashMap<>();
        sha.put(images.toString(), im.sha256());
        sha.put(labels.toString(), lb.sha256());
        return new ImageDataset(images.getFileName() + " + " + labels.getFileName(), im.count(), im.rows(),
                im.cols(), 1, im.pixels(), lb.labels(), classes, sha);
    }
}
