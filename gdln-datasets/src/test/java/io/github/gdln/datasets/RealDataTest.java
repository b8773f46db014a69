package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reads the real MNIST and Fashion-MNIST files from the data folder ({@code GDLN_DATA}, see {@link DataFolder}).
 * Tagged {@code real-data}: excluded by default, run with {@code mvn -Preal-data ...} after
 * {@code scripts/fetch-data mnist} and {@code scripts/fetch-data fashion-mnist}. Fails (never skips) when the data
 * is missing.
 */
@Tag("real-data")
class RealDataTest {

    private static final Path SUMS = Path.of("..", "scripts", "data-sha256.txt");

    @Test
    void mnistHasTheKnownShapeLabelsAndSums() throws IOException {
        DataFolder.IdxFiles files = DataFolder.fromEnvironment().mnist();
        ImageDataset train = files.loadTrain();
        ImageDataset test = files.loadTest();

        assertThat(train.count()).isEqualTo(60000);
        assertThat(test.count()).isEqualTo(10000);
        assertThat(train.rows()).isEqualTo(28);
        assertThat(train.cols()).isEqualTo(28);
        assertThat(train.labels()[0]).isEqualTo(5);
        assertThat(test.labels()[0]).isEqualTo(7);
        assertThat(histogram(train)).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(histogram(test)).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        assertThat(mean(train.pixels())).isCloseTo(0.1307, within(1e-4));
        assertSums("mnist", train, test);
    }

    @Test
    void fashionMnistHasTheKnownShapeLabelsAndSums() throws IOException {
        DataFolder.IdxFiles files = DataFolder.fromEnvironment().fashionMnist();
        ImageDataset train = files.loadTrain();
        ImageDataset test = files.loadTest();

        assertThat(train.count()).isEqualTo(60000);
        assertThat(test.count()).isEqualTo(10000);
        assertThat(histogram(train)).containsOnly(6000);
        assertThat(histogram(test)).containsOnly(1000);
        assertThat(train.labels()[0]).isEqualTo(9);
        assertSums("fashion-mnist", train, test);
    }

    private static void assertSums(String dataset, ImageDataset... parts) throws IOException {
        if (!Files.isRegularFile(SUMS)) {
            fail("the SHA-256 list " + SUMS.toAbsolutePath() + " is missing: run the tests from gdln-datasets/");
        }
        Map<String, String> expected = new HashMap<>();
        for (String line : Files.readAllLines(SUMS)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && !f[0].startsWith("#")) {
                expected.put(f[1], f[0]);
            }
        }
        for (ImageDataset part : parts) {
            part.sha256().forEach((file, sha) -> assertThat(sha).as(file)
                    .isEqualTo(expected.get(dataset + "/" + Path.of(file).getFileName())));
        }
    }

    private static int[] histogram(ImageDataset ds) {
        int[] h = new int[ds.classes()];
        for (int label : ds.labels()) {
            h[label]++;
        }
        return h;
    }

    private static double mean(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s / values.length;
    }
}
