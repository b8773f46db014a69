package io.github.gdln.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CIFAR-10 binary version ({@code cifar-10-binary.tar.gz}): files of records of 3073 bytes, one label
 * byte (0..9) followed by 3072 pixel bytes, channel-major 3 x 32 x 32 (red plane, green plane, blue plane, each
 * row-major). The train split is {@code data_batch_1.bin .. data_batch_5.bin}, the test split {@code test_batch.bin}.
 *
 * <p>The folder given may be the one holding the batch files or its parent holding {@code cifar-10-batches-bin}
 * (the folder the archive unpacks to). Missing folders or files fail with a {@link DatasetNotFoundException} that
 * says how to get the data; a file whose size is not a multiple of 3073 bytes or a label out of range fails with a
 * {@link DatasetFormatException}.
 */
public final class Cifar10Reader {

    /** Image side length. */
    public static final int SIZE = 32;
    /** Colour channels. */
    public static final int CHANNELS = 3;
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Bytes per record: one label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + CHANNELS * SIZE * SIZE;
    /** Folder name inside the official archive. */
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";
    /** The train batch files. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** The test batch file. */
    public static final List<String> TEST_FILES = List.of("test_batch.bin");

    static final String HOW_TO_GET = "Download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html,"
            + " unpack it (tar xzf cifar-10-binary.tar.gz) and point gdln to the folder: the config key"
            + " data.cifar10, or put it at $GDLN_DATA/cifar10 (check it with: scripts/fetch-data cifar10 DIR)";

    private Cifar10Reader() {
    }

    /** Reads the 50000 training images ({@code data_batch_1..5.bin}) from {@code folder}. */
    public static ImageDataset train(Path folder) throws IOException {
        return read(folder, TRAIN_FILES);
    }

    /** Reads the 10000 test images ({@code test_batch.bin}) from {@code folder}. */
    public static ImageDataset test(Path folder) throws IOException {
        return read(folder, TEST_FILES);
    }

    /** The folder that holds the batch files: {@code folder} itself or {@code folder/cifar-10-batches-bin}. */
    public static Path batchFolder(Path folder) throws DatasetNotFoundException {
        if (!Files.isDirectory(folder)) {
            throw new DatasetNotFoundException("CIFAR-10 folder " + folder + " does not exist. " + HOW_TO_GET);
        }
        Path inner = folder.resolve(ARCHIVE_FOLDER);
        if (!Files.exists(folder.resolve(TEST_FILES.get(0))) && Files.isDirectory(inner)) {
            return inner;
        }
        return folder;
    }

    /** Reads the given batch files of {@code folder} (see {@link #batchFolder}) into one dataset, in order. */
    public static ImageDataset read(Path folder, List<String> files) throws IOException {
        Path dir = batchFolder(folder);
        List<Path> paths = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : files) {
            Path p = dir.resolve(name);
            paths.add(p);
            if (!Files.isRegularFile(p)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new DatasetNotFoundException("CIFAR-10 folder " + dir + " lacks " + String.join(", ", missing)
                    + ". " + HOW_TO_GET);
        }
        return readFiles(paths);
    }

    /** Reads the given batch files into one dataset, in order. */
    public static ImageDataset readFiles(List<Path> files) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        Map<String, String> sha = new LinkedHashMap<>();
        long records = 0;
        for (Path file : files) {
            byte[] bytes = readChecked(file);
            contents.add(bytes);
            sha.put(file.toString(), Digests.sha256Hex(bytes));
            records += bytes.length / RECORD_BYTES;
        }
        int features = RECORD_BYTES - 1;
        if (records * features > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(files + ": " + records + " records are more than one array holds");
        }
        int count = (int) records;
        float[] pixels = new float[count * features];
        int[] labels = new int[count];
        int sample = 0;
        for (byte[] bytes : contents) {
            for (int off = 0; off < bytes.length; off += RECORD_BYTES, sample++) {
                labels[sample] = bytes[off] & 0xff;
                int base = sample * features;
                for (int k = 0; k < features; k++) {
                    pixels[base + k] = (bytes[off + 1 + k] & 0xff) / 255f;
                }
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0).getParent() + "/" + names(files);
        return new ImageDataset(source, count, SIZE, SIZE, CHANNELS, pixels, labels, CLASSES, sha);
    }

    private static byte[] readChecked(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("CIFAR-10 file " + file + " does not exist. " + HOW_TO_GET);
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new DatasetFormatException(file, "empty file (0 bytes), expected records of " + RECORD_BYTES
                    + " bytes (10000 records, 30730000 bytes, per official batch)");
        }
        if (size % RECORD_BYTES != 0) {
            throw new DatasetFormatException(file, "size " + size + " bytes is not a multiple of the"
                    + " record size " + RECORD_BYTES + " (1 label byte + 3072 pixel bytes): " + size / RECORD_BYTES
                    + " whole records and a truncated record of " + size % RECORD_BYTES + " bytes");
        }
        byte[] bytes = Files.readAllBytes(file);
        for (int off = 0, rec = 0; off < bytes.length; off += RECORD_BYTES, rec++) {
            int label = bytes[off] & 0xff;
            if (label >= CLASSES) {
                throw new DatasetFormatException(file, "label " + label + " of record " + rec + " (byte offset "
                        + off + ") out of range 0.." + (CLASSES - 1));
            }
        }
        return bytes;
    }

    private static String names(List<Path> files) {
        List<String> names = new ArrayList<>();
        for (Path p : files) {
            names.add(String.valueOf(p.getFileName()));
        }
        return "{" + String.join(",", names) + "}";
    }
}
