package io.github.gdln.plugins.mnist;

import io.github.gdln.api.Params;
import io.github.gdln.api.Task;
import io.github.gdln.api.TaskData;
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
 * Task {@code mnist-routing}: the k-path routing task of docs/theory.md §4.1 on MNIST or Fashion-MNIST.
 *
 * <p>M input domains transform every image: {@code input-transform = permute} gives domain i a fixed pixel
 * permutation drawn from the task's random stream (domain 0 too, as in the reference), {@code rotate} rotates it by
 * 270·i/M degrees (bilinear by default). M output domains relabel the classes ({@code label-order}, see
 * {@link RoutingOptions}). The returned {@link RoutingTaskData} is a generic {@code TaskData} (nodes
 * {@code in<i>}/{@code out<j>}, contexts i->j, softmax cross-entropy averaged over trained contexts) and a
 * {@code RoutingData}, so the fused k-path trainer runs it. The test split uses the same domains.
 *
 * <p>Parameters (defaults in this plugin's {@code reference.conf} under {@code gdln.task.mnist-routing}):
 * {@code dataset} ({@code mnist} | {@code fashion-mnist}), {@code data-dir} (the data folder holding
 * {@code mnist/} and {@code fashion-mnist/}; empty for {@code $GDLN_DATA} or the default cache folder),
 * {@code domains}, {@code input-transform} ({@code permute} | {@code rotate}), {@code interpolation}
 * ({@code bilinear} | {@code nearest}, rotations only), {@code label-order} ({@code lexicographic} | {@code uniform}),
 * {@code train-samples} and {@code test-samples} (first n images, 0 = all).
 *
 * <p>Random stream: the task seed feeds a {@link SplittableRandom}; its first split draws the M pixel permutations
 * in domain order, its second the uniform label permutations.
 */
public final class MnistRoutingTask implements Task {

    /** The task name. */
    public static final String NAME = "mnist-routing";

    /** Side of an MNIST or Fashion-MNIST image in pixels. */
    private static final int IMAGE_SIDE = 28;
    /** Classes of MNIST and Fashion-MNIST. */
    private static final int CLASSES = 10;

    /** How the input domains transform the images. */
    public enum InputTransform {
        /** A fixed random pixel permutation per domain. */
        PERMUTE,
        /** A rotation by 270·i/M degrees per domain. */
        ROTATE;

        /** Parses {@code permute} or {@code rotate}. */
        public static InputTransform parse(String value, String owner) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "permute" -> PERMUTE;
                case "rotate" -> ROTATE;
                default -> throw new IllegalArgumentException(owner + ": parameter 'input-transform' = " + value
                        + " is not one of permute, rotate");
            };
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "docs/theory.md §4.1: MNIST k-path routing, M permuted/rotated input domains x M relabeled output domains";
    }

    @Override
    public TaskData load(Params params, long seed) {
        Settings settings = settings(params);
        DataFolder folder = settings.dir().isBlank() ? DataFolder.fromEnvironment()
                : new DataFolder(Path.of(settings.dir()));
        try {
            DataFolder.IdxFiles files = settings.dataset().equals("mnist") ? folder.mnist() : folder.fashionMnist();
            return data(settings, RoutingOptions.head(files.loadTrain(), settings.options().trainSamples()),
                    RoutingOptions.head(files.loadTest(), settings.options().testSamples()), seed);
        } catch (IOException e) {
            throw new UncheckedIOException(params.owner() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The structure {@link #load} gives (nodes, widths, contexts, domains, permutations or rotations, relabelings)
     * with no samples, without reading the image files: MNIST and Fashion-MNIST are 28x28 grey images of 10 classes.
     */
    @Override
    public java.util.Optional<TaskData> preview(Params params, long seed) {
        Settings settings = settings(params);
        ImageDataset none = RoutingOptions.noImages(settings.dataset(), IMAGE_SIDE, IMAGE_SIDE, 1, CLASSES);
        return java.util.Optional.of(data(settings, none, none, seed));
    }

    /** The checked parameters. */
    private record Settings(RoutingOptions options, InputTransform transform, Rotation.Interpolation interpolation,
                            String dataset, String dir) {
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
        InputTransform transform = null;
        Rotation.Interpolation interpolation = null;
        String dataset = null;
        try {
            transform = InputTransform.parse(params.getString("input-transform"), params.owner());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            interpolation = interpolation(params.getString("interpolation"), params.owner());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            dataset = params.getString("dataset");
            if (!dataset.equals("mnist") && !dataset.equals("fashion-mnist")) {
                problems.add(params.owner() + ": parameter 'dataset' = " + dataset
                        + " is not one of mnist, fashion-mnist");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String dir = "";
        try {
            dir = params.getString("data-dir");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        RoutingOptions.fail(problems);
        return new Settings(options, transform, interpolation, dataset, dir);
    }

    /** The routing data of {@code train} and {@code test} under {@code settings}, domains drawn from {@code seed}. */
    private static RoutingTaskData data(Settings settings, ImageDataset train, ImageDataset test, long seed) {
        RoutingOptions options = settings.options();
        InputTransform transform = settings.transform();
        Rotation.Interpolation interpolation = settings.interpolation();
        String dataset = settings.dataset();
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom inputStream = root.split();
        SplittableRandom labelStream = root.split();
        int m = options.domains();
        int[][] relabelings = options.relabelings(train.classes(), labelStream);
        String what = dataset + ", " + m + (transform == InputTransform.PERMUTE ? " permuted" : " rotated")
                + " input domains, " + options.labelOrder().name().toLowerCase(Locale.ROOT) + " label permutations";
        DomainInputs trainInputs;
        DomainInputs testInputs;
        if (transform == InputTransform.PERMUTE) {
            List<PixelPermutation> perms = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                perms.add(PixelPermutation.random(train.features(), inputStream));
            }
            trainInputs = TransformedImages.permuted(train, perms);
            testInputs = TransformedImages.permuted(test, perms);
        } else {
            List<Rotation> rots = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                rots.add(Rotation.of(270.0 * i / m, train.rows(), train.cols(), train.channels(), interpolation));
            }
            trainInputs = TransformedImages.rotated(train, rots);
            testInputs = TransformedImages.rotated(test, rots);
        }
        RoutingTaskData testData = new RoutingTaskData(dataset + " test (" + what + ")", testInputs, test.labels(),
                test.classes(), relabelings, null);
        return new RoutingTaskData(dataset + " train (" + what + ")", trainInputs, train.labels(), train.classes(),
                relabelings, testData);
    }

    /** Parses {@code bilinear} or {@code nearest}. */
    static Rotation.Interpolation interpolation(String value, String owner) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "bilinear" -> Rotation.Interpolation.BILINEAR;
            case "nearest" -> Rotation.Interpolation.NEAREST;
            default -> throw new IllegalArgumentException(owner + ": parameter 'interpolation' = " + value
                    + " is not one of bilinear, nearest");
        };
    }
}
