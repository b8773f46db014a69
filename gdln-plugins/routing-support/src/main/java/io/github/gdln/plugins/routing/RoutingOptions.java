package io.github.gdln.plugins.routing;

import io.github.gdln.api.Params;
import io.github.gdln.datasets.ImageDataset;
import io.github.gdln.datasets.LabelPermutationOrder;
import io.github.gdln.datasets.LabelPermutations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The parameters every routing task shares, read from a task's {@link Params}; defaults live in the plugin's
 * {@code reference.conf}. All problems are reported at once, each naming the key and the value.
 *
 * @param domains      {@code domains}: M, the number of input and of output domains (&gt;= 1)
 * @param labelOrder   {@code label-order}: {@code lexicographic} (the reference: domain j is the j-th permutation of
 *                     the classes in lexicographic order, so with 10 classes and M &lt;= 120 only classes 5..9 move) or
 *                     {@code uniform} (distinct uniformly random permutations from the task stream; domain 0 identity)
 * @param trainSamples {@code train-samples}: use the first n training images, 0 for all
 * @param testSamples  {@code test-samples}: use the first n test images, 0 for all
 */
public record RoutingOptions(int domains, LabelPermutationOrder labelOrder, int trainSamples, int testSamples) {

    /** Validates the values. */
    public RoutingOptions {
        if (domains < 1) {
            throw new IllegalArgumentException("domains must be >= 1, got " + domains);
        }
        if (trainSamples < 0 || testSamples < 0) {
            throw new IllegalArgumentException("train-samples and test-samples must be >= 0 (0 = all), got "
                    + trainSamples + " and " + testSamples);
        }
    }

    /** Reads {@code domains}, {@code label-order}, {@code train-samples} and {@code test-samples}. */
    public static RoutingOptions from(Params p) {
        List<String> problems = new ArrayList<>();
        int m = read(problems, () -> p.getInt("domains", 1));
        int train = read(problems, () -> p.getInt("train-samples", 0));
        int test = read(problems, () -> p.getInt("test-samples", 0));
        LabelPermutationOrder order = LabelPermutationOrder.LEXICOGRAPHIC;
        try {
            order = labelOrder(p.getString("label-order"), p.owner());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        fail(problems);
        return new RoutingOptions(m, order, train, test);
    }

    /** Parses {@code lexicographic} or {@code uniform}. */
    public static LabelPermutationOrder labelOrder(String value, String owner) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "lexicographic" -> LabelPermutationOrder.LEXICOGRAPHIC;
            case "uniform" -> LabelPermutationOrder.UNIFORM;
            default -> throw new IllegalArgumentException(owner + ": parameter 'label-order' = " + value
                    + " is not one of lexicographic, uniform");
        };
    }

    /** The M relabelings of {@code classes} classes; {@code random} feeds {@code uniform}. */
    public int[][] relabelings(int classes, SplittableRandom random) {
        return LabelPermutations.relabelings(labelOrder, domains, classes, random);
    }

    /** The first {@code limit} samples of {@code data} (all when {@code limit} is 0 or at least the count). */
    public static ImageDataset head(ImageDataset data, int limit) {
        if (limit == 0 || limit >= data.count()) {
            return data;
        }
        return new ImageDataset(data.source() + " (first " + limit + ")", limit, data.rows(), data.cols(),
                data.channels(), Arrays.copyOf(data.pixels(), limit * data.features()),
                Arrays.copyOf(data.labels(), limit), data.classes(), data.sha256());
    }

    /**
     * No images of the given shape and classes: what a task's {@code preview} builds its routing data on, so that the
     * structure (nodes, widths, contexts, domains) is known without reading a dataset.
     */
    public static ImageDataset noImages(String source, int rows, int cols, int channels, int classes) {
        return new ImageDataset(source + " (preview, no images)", 0, rows, cols, channels, new float[0], new int[0],
                classes, java.util.Map.of());
    }

    /** Throws one {@link IllegalArgumentException} listing every problem, if any. */
    public static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Runs {@code f}, recording its {@link IllegalArgumentException} in {@code problems} (then returning 1). */
    public static int read(List<String> problems, java.util.function.IntSupplier f) {
        try {
            return f.getAsInt();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return 1;
        }
    }
}
