package io.github.gdln.plugins.cifar;

import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
import io.github.gdln.datasets.Cifar10Reader;
import io.github.gdln.datasets.DataFolder;
import io.github.gdln.datasets.ImageDataset;
import io.github.gdln.datasets.PixelPermutation;
import io.github.gdln.datasets.Rotation;
import io.github.gdln.plugins.routing.DomainInputs;
import io.github.gdln.plugins.routing.RoutingOptions;
import io.github.gdln.plugins.routing.RoutingTaskData;
import io.github.gdln.plugins.routing.TransformedImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Task {@code cifar-transfer}: the k-path routing task of docs/theory.md §4.1 on CIFAR-10 (the paper: M = 40 rotated
 * input domains, features of a frozen pretrained network).
 *
 * <p>Input domains: {@code input-transform = rotate} (default; 270·i/M degrees, all three channels alike) or
 * {@code permute}. By default the routing network sees the raw pixels of the transformed image (3072 values in
 * [0, 1]); with {@code feature-model} set it sees the activations of a user-supplied Deeplearning4j network
 * (ModelSerializer zip or Keras HDF5) truncated at {@code feature-layer}, computed per rotated copy, as the reference
 * does with its ResNet-20, and cached on disk ({@link FeatureCache}) under a key made of the SHA-256 of the data
 * files and of the model. Output domains and loss as in {@code mnist-routing}.
 *
 * <p>Parameters (defaults in {@code reference.conf} under {@code gdln.task.cifar-transfer}): {@code data-dir} (the
 * CIFAR-10 binary folder; empty for {@code <data folder>/cifar10}), {@code domains}, {@code input-transform},
 * {@code interpolation}, {@code label-order}, {@code train-samples}, {@code test-samples}, {@code feature-model}
 * (empty for raw pixels), {@code feature-layer}, {@code feature-input} ({@code nchw} | {@code nhwc} | {@code flat}),
 * {@code feature-batch} (images per forward pass) and {@code cache-dir} (empty for {@code <data folder>/feature-cache}).
 */
public final class CifarTransferTask implements Task {

    /** The task name. */
    public static final String NAME = "cifar-transfer";

    /** Side of a CIFAR-10 image in pixels. */
    private static final int IMAGE_SIDE = 32;
    /** Colour channels of a CIFAR-10 image. */
    private static final int CHANNELS = 3;
    /** Classes of CIFAR-10. */
    private static final int CLASSES = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "docs/theory.md §4.1: CIFAR-10 k-path routing, M rotated input domains (raw pixels or DL4J features)";
    }

    @Override
    public TaskData load(Params params, long seed) {
        Settings settings = settings(params);
        String[] v = settings.values();
        Path folder = v[0].isBlank() ? DataFolder.fromEnvironment().cifar10() : Path.of(v[0]);
        ImageDataset train;
        ImageDataset test;
        try {
            train = RoutingOptions.head(Cifar10Reader.train(folder), settings.options().trainSamples());
            test = RoutingOptions.head(Cifar10Reader.test(folder), settings.options().testSamples());
        } catch (IOException e) {
            throw new UncheckedIOException(params.owner() + ": " + e.getMessage(), e);
        }
        return data(settings, train, test, seed, params.owner());
    }

    /**
     * The structure {@link #load} gives (nodes, widths, contexts, domains, relabelings) with no samples, without
     * reading the data files, when the network sees raw pixels (CIFAR-10: 3x32x32 images, 10 classes). Empty with a
     * {@code feature-model}: the feature width is known only from the model.
     */
    @Override
    public java.util.Optional<TaskData> preview(Params params, long seed) {
        Settings settings = settings(params);
        if (!settings.values()[3].isBlank()) {
            return java.util.Optional.empty();
        }
        ImageDataset none = RoutingOptions.noImages("cifar10", IMAGE_SIDE, IMAGE_SIDE, CHANNELS, CLASSES);
        return java.util.Optional.of(data(settings, none, none, seed, params.owner()));
    }

    /**
     * The checked parameters: the routing options, the string parameters (data-dir, input-transform,
     * interpolation, feature-model, feature-layer, feature-input, cache-dir, in that order) and feature-batch.
     */
    private record Settings(RoutingOptions options, String[] values, int batch) {
    }

    /** Reads and checks every parameter, reporting all problems at once. */
    private static Settings settings(Params params) {
        List<String> problems = new ArrayList<>();
        RoutingOptions options = null;
        try {
            options = RoutingOptions.from(params);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String[] keys = {"data-dir", "input-transform", "interpolation", "feature-model", "feature-layer",
            "feature-input", "cache-dir"};
        String[] v = new String[keys.length];
        for (int k = 0; k < keys.length; k++) {
            try {
                v[k] = params.getString(keys[k]);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        int batch = RoutingOptions.read(problems, () -> params.getInt("feature-batch", 1));
        String owner = params.owner();
        check(problems, v[1], owner, "input-transform", "rotate", "permute");
        check(problems, v[2], owner, "interpolation", "bilinear", "nearest");
        check(problems, v[5], owner, "feature-input", "nchw", "nhwc", "flat");
        if (v[3] != null && !v[3].isBlank() && v[4] != null && v[4].isBlank()) {
            problems.add(owner + ": parameter 'feature-layer' must name the layer to truncate the feature model at"
                    + " (feature-model = " + v[3] + ")");
        }
        RoutingOptions.fail(problems);
        return new Settings(options, v, batch);
    }

    /** The routing data of {@code train} and {@code test} under {@code settings}, domains drawn from {@code seed}. */
    private static RoutingTaskData data(Settings settings, ImageDataset train, ImageDataset test, long seed,
                                        String owner) {
        RoutingOptions options = settings.options();
        String[] v = settings.values();
        int batch = settings.batch();
        boolean rotate = v[1].equalsIgnoreCase("rotate");
        Rotation.Interpolation interpolation = v[2].equalsIgnoreCase("nearest")
                ? Rotation.Interpolation.NEAREST : Rotation.Interpolation.BILINEAR;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom inputStream = root.split();
        SplittableRandom labelStream = root.split();
        int m = options.domains();
        int[][] relabelings = options.relabelings(train.classes(), labelStream);
        TransformedImages trainImages;
        TransformedImages testImages;
        if (rotate) {
            List<Rotation> rots = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                rots.add(Rotation.of(270.0 * i / m, train.rows(), train.cols(), train.channels(), interpolation));
            }
            trainImages = TransformedImages.rotated(train, rots);
            testImages = TransformedImages.rotated(test, rots);
        } else {
            List<PixelPermutation> perms = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                perms.add(PixelPermutation.random(train.features(), inputStream));
            }
            trainImages = TransformedImages.permuted(train, perms);
            testImages = TransformedImages.permuted(test, perms);
        }
        String transform = rotate ? "rotate M=" + m + " interpolation=" + interpolation
                : "permute M=" + m + " task-seed=" + seed;
        String what = "cifar10, " + m + (rotate ? " rotated" : " permuted") + " input domains, "
                + options.labelOrder().name().toLowerCase(Locale.ROOT) + " label permutations";
        DomainInputs trainInputs = trainImages;
        DomainInputs testInputs = testImages;
        if (!v[3].isBlank()) {
            FeatureExtractor fx = extractor(Path.of(v[3]), v[4], v[5], train, owner);
            Path cache = v[6].isBlank() ? DataFolder.fromEnvironment().root().resolve("feature-cache")
                    : Path.of(v[6]);
            trainInputs = cached(cache, "train", train, trainImages, transform, fx, batch, owner);
            testInputs = cached(cache, "test", test, testImages, transform, fx, batch, owner);
            what += ", features of " + fx.identity();
        }
        RoutingTaskData testData = new RoutingTaskData("cifar10 test (" + what + ")", testInputs, test.labels(),
                test.classes(), relabelings, null);
        return new RoutingTaskData("cifar10 train (" + what + ")", trainInputs, train.labels(), train.classes(),
                relabelings, testData);
    }

    private static void check(List<String> problems, String value, String owner, String key, String... allowed) {
        if (value != null && !List.of(allowed).contains(value.toLowerCase(Locale.ROOT))) {
            problems.add(owner + ": parameter '" + key + "' = " + value + " is not one of "
                    + String.join(", ", allowed));
        }
    }

    private static FeatureExtractor extractor(Path model, String layer, String input, ImageDataset d, String owner) {
        try {
            return new Dl4jFeatureExtractor(model, layer,
                    Dl4jFeatureExtractor.Layout.valueOf(input.toUpperCase(Locale.ROOT)), d.channels(), d.rows(),
                    d.cols());
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(owner + ": feature-model needs Deeplearning4j (deeplearning4j-nn, and "
                    + "deeplearning4j-modelimport for Keras files) on the application class path; missing "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(owner + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
    }

    private static DomainInputs cached(Path cacheDir, String split, ImageDataset data, TransformedImages images,
                                       String transform, FeatureExtractor fx, int batch, String owner) {
        String description = "gdln cifar-transfer features v1\nsplit=" + split + "\ncount=" + data.count()
                + "\nfiles=" + data.sha256() + "\ntransform=" + transform + "\nfeatures=" + fx.identity();
        FeatureCache cache = new FeatureCache(cacheDir, description);
        int d = images.width();
        try {
            return cache.load(images.domains(), data.count(), fx.width(), batch, (domain, from, count) -> {
                int[] samples = new int[count];
                for (int s = 0; s < count; s++) {
                    samples[s] = from + s;
                }
                float[] buf = new float[count * d];
                images.fill(domain, samples, buf);
                return fx.features(buf, count);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(owner + ": feature cache " + cache.folder() + ": " + e.getMessage(), e);
        }
    }
}
