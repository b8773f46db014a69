package io.github.gdln.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The folder gdln keeps datasets in, and where each dataset lies inside it.
 *
 * <p>Resolution: the environment variable {@code GDLN_DATA} when set and not blank, otherwise
 * {@code ${XDG_CACHE_HOME:-~/.cache}/gdln/data}. Inside it: {@code mnist/} and {@code fashion-mnist/} hold the four
 * IDX files each (written by {@code scripts/fetch-data mnist} / {@code scripts/fetch-data fashion-mnist}),
 * {@code cifar10/} the CIFAR-10 binary batches (see {@link Cifar10Reader}).
 *
 * @param root the data folder
 */
public record DataFolder(Path root) {

    /** Environment variable naming the data folder. */
    public static final String ENV = "GDLN_DATA";

    /** Requires a non-null root. */
    public DataFolder {
        Objects.requireNonNull(root, "root");
    }

    /** The data folder of this process's environment. */
    public static DataFolder fromEnvironment() {
        return fromEnvironment(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The data folder for the given environment: {@code GDLN_DATA}, else {@code $XDG_CACHE_HOME/gdln/data}, else
     * {@code userHome/.cache/gdln/data}.
     */
    public static DataFolder fromEnvironment(Map<String, String> env, String userHome) {
        String data = env.get(ENV);
        if (data != null && !data.isBlank()) {
            return new DataFolder(Path.of(data));
        }
        String cache = env.get("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(userHome, ".cache");
        return new DataFolder(base.resolve("gdln").resolve("data"));
    }

    /** The four MNIST IDX files in {@code root/mnist}; fails listing what is missing if any is absent. */
    public IdxFiles mnist() throws DatasetNotFoundException {
        return locate("mnist");
    }

    /** The four Fashion-MNIST IDX files in {@code root/fashion-mnist}; fails if any is absent. */
    public IdxFiles fashionMnist() throws DatasetNotFoundException {
        return locate("fashion-mnist");
    }

    /** The CIFAR-10 folder {@code root/cifar10} (not checked; {@link Cifar10Reader} checks it when reading). */
    public Path cifar10() {
        return root.resolve("cifar10");
    }

    /**
     * The four IDX files of an MNIST-format dataset.
     *
     * @param trainImages {@code train-images-idx3-ubyte[.gz]}
     * @param trainLabels {@code train-labels-idx1-ubyte[.gz]}
     * @param testImages  {@code t10k-images-idx3-ubyte[.gz]}
     * @param testLabels  {@code t10k-labels-idx1-ubyte[.gz]}
     */
    public record IdxFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

        /** Reads the training split. */
        public ImageDataset loadTrain() throws IOException {
            return IdxReader.load(trainImages, trainLabels);
        }

        /** Reads the test split. */
        public ImageDataset loadTest() throws IOException {
            return IdxReader.load(testImages, testLabels);
        }
    }

    private IdxFiles locate(String dataset) throws DatasetNotFoundException {
        Path dir = root.resolve(dataset);
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"};
        Path[] found = new Path[names.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            found[i] = find(dir, names[i]);
            if (found[i] == null) {
                missing.add(names[i] + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new DatasetNotFoundException(dataset + " data missing in " + dir + ": no " + String.join(", ",
                    missing) + ". Run `scripts/fetch-data " + dataset + "` to download it, or set " + ENV
                    + " to the folder that holds " + dataset + "/ (data folder now: " + root + ")");
        }
        return new IdxFiles(found[0], found[1], found[2], found[3]);
    }

    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }
}
