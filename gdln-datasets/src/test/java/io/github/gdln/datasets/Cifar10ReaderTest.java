package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTestBatchChannelMajor() throws Exception {
        Path f = Fixtures.write(dir, "test_batch.bin", Fixtures.cifar(3, 9));

        ImageDataset ds = Cifar10Reader.test(dir);

        assertThat(ds.count()).isEqualTo(2);
        assertThat(ds.channels()).isEqualTo(3);
        assertThat(ds.rows()).isEqualTo(32);
        assertThat(ds.cols()).isEqualTo(32);
        assertThat(ds.features()).isEqualTo(3072);
        assertThat(ds.labels()).containsExactly(3, 9);
        // record 1, channel 2 (blue), row 5, col 7: byte (1 + k) mod 256 with k = (2*32 + 5)*32 + 7
        int k = (2 * 32 + 5) * 32 + 7;
        assertThat(ds.pixels()[3072 + k]).isEqualTo(((1 + k) % 256) / 255f);
        assertThat(ds.sha256()).containsEntry(f.toString(), Digests.sha256Hex(Files.readAllBytes(f)));
    }

    @Test
    void trainReadsTheFiveBatchesInOrderFromTheArchiveFolder() throws Exception {
        Path inner = dir.resolve(Cifar10Reader.ARCHIVE_FOLDER);
        for (int b = 1; b <= 5; b++) {
            Fixtures.write(inner, "data_batch_" + b + ".bin", Fixtures.cifar(b, b - 1));
        }

        ImageDataset ds = Cifar10Reader.train(dir);

        assertThat(ds.labels()).containsExactly(1, 0, 2, 1, 3, 2, 4, 3, 5, 4);
        assertThat(ds.sha256()).hasSize(5);
    }

    @Test
    void truncatedRecordNamesFileAndByteCount() throws Exception {
        byte[] two = Fixtures.cifar(1, 2);
        Path f = Fixtures.write(dir, "test_batch.bin", Arrays.copyOf(two, two.length - 100));

        assertThatThrownBy(() -> Cifar10Reader.test(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("size 6046 bytes")
                .hasMessageContaining("not a multiple of the record size 3073")
                .hasMessageContaining("truncated record of 2973 bytes");
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        Path f = Fixtures.write(dir, "test_batch.bin", new byte[0]);

        assertThatThrownBy(() -> Cifar10Reader.test(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("empty file");
    }

    @Test
    void labelOutOfRangeNamesRecord() throws Exception {
        Path f = Fixtures.write(dir, "test_batch.bin", Fixtures.cifar(0, 1, 12));

        assertThatThrownBy(() -> Cifar10Reader.test(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("label 12 of record 2")
                .hasMessageContaining("out of range 0..9");
    }

    @Test
    void missingFolderSaysHowToGetTheData() {
        Path missing = dir.resolve("no-cifar-here");

        assertThatThrownBy(() -> Cifar10Reader.train(missing)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
                .hasMessageContaining("cifar-10-binary.tar.gz")
                .hasMessageContaining("https://www.cs.toronto.edu/~kriz/cifar.html")
                .hasMessageContaining("GDLN_DATA");
    }

    @Test
    void missingBatchFilesAreListed() throws Exception {
        Fixtures.write(dir, "data_batch_1.bin", Fixtures.cifar(1));
        Fixtures.write(dir, "data_batch_3.bin", Fixtures.cifar(1));

        assertThatThrownBy(() -> Cifar10Reader.train(dir)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("lacks data_batch_2.bin, data_batch_4.bin, data_batch_5.bin")
                .hasMessageContaining("cifar-10-binary.tar.gz");
    }
}
