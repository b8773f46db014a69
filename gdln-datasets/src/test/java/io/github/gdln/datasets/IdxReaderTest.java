package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsImagesAndLabelsScaledToUnitInterval() throws Exception {
        Path im = Fixtures.write(dir, "img", Fixtures.images(3, 2, 4));
        Path lb = Fixtures.write(dir, "lbl", Fixtures.labels(0, 9, 4));

        ImageDataset ds = IdxReader.load(im, lb);

        assertThat(ds.count()).isEqualTo(3);
        assertThat(ds.rows()).isEqualTo(2);
        assertThat(ds.cols()).isEqualTo(4);
        assertThat(ds.channels()).isEqualTo(1);
        assertThat(ds.classes()).isEqualTo(10);
        assertThat(ds.labels()).containsExactly(0, 9, 4);
        byte[] raw = Fixtures.pixelBytes(24);
        for (int k = 0; k < 24; k++) {
            assertThat(ds.pixels()[k]).isEqualTo((raw[k] & 0xff) / 255f);
        }
        for (float v : ds.pixels()) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(ds.sha256()).containsEntry(im.toString(), Digests.sha256Hex(Files.readAllBytes(im)))
                .containsEntry(lb.toString(), Digests.sha256Hex(Files.readAllBytes(lb)));
    }

    @Test
    void gzipRoundTripGivesTheSameDataAndTheDigestOfTheCompressedBytes() throws Exception {
        byte[] plain = Fixtures.images(5, 3, 3);
        Path p = Fixtures.write(dir, "plain-idx3-ubyte", plain);
        Path g = Fixtures.write(dir, "any-name-without-suffix", Fixtures.gzip(plain));

        IdxReader.Images a = IdxReader.readImages(p);
        IdxReader.Images b = IdxReader.readImages(g);

        assertThat(b.count()).isEqualTo(5);
        assertThat(b.pixels()).containsExactly(a.pixels());
        assertThat(b.sha256()).isEqualTo(Digests.sha256Hex(Files.readAllBytes(g))).isNotEqualTo(a.sha256());
        assertThat(IdxReader.readLabels(Fixtures.write(dir, "l.gz", Fixtures.gzip(Fixtures.labels(1, 2)))).labels())
                .containsExactly(1, 2);
    }

    @Test
    void badMagicNamesFileValueAndExpected() throws Exception {
        Path f = Fixtures.write(dir, "bad-magic", Fixtures.idx(0x12345678, new int[] {1, 1, 1}, new byte[1]));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("bad magic number 305419896 (0x12345678)")
                .hasMessageContaining("expected 2051 (0x00000803)");
    }

    @Test
    void gzipOfGarbageIsNotMistakenForIdx() throws Exception {
        Path f = Fixtures.write(dir, "text.gz", Fixtures.gzip("hello world".getBytes()));

        assertThatThrownBy(() -> IdxReader.readLabels(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("bad magic number")
                .hasMessageContaining("expected 2049");
    }

    @Test
    void labelFileReadAsImagesIsAWrongDimensionCount() throws Exception {
        Path f = Fixtures.write(dir, "labels-as-images", Fixtures.labels(1, 2, 3));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("wrong dimension count")
                .hasMessageContaining("declares 1 dimensions").hasMessageContaining("expected 2051");
    }

    @Test
    void imageFileReadAsLabelsIsAWrongDimensionCount() throws Exception {
        Path f = Fixtures.write(dir, "images-as-labels", Fixtures.images(1, 2, 2));

        assertThatThrownBy(() -> IdxReader.readLabels(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("declares 3 dimensions")
                .hasMessageContaining("expected 2049");
    }

    @Test
    void truncatedDataNamesDeclaredAndActualByteCounts() throws Exception {
        byte[] full = Fixtures.images(4, 5, 5);
        Path f = Fixtures.write(dir, "truncated", Arrays.copyOf(full, full.length - 10));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated")
                .hasMessageContaining("4 x 5 x 5 = 100 data bytes").hasMessageContaining("only 90 data bytes");
    }

    @Test
    void truncatedHeaderIsReported() throws Exception {
        Path f = Fixtures.write(dir, "short-header", Arrays.copyOf(Fixtures.images(1, 2, 2), 9));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated header");
    }

    @Test
    void truncatedGzipStreamIsReportedAsCorrupt() throws Exception {
        byte[] gz = Fixtures.gzip(Fixtures.images(50, 10, 10));
        Path f = Fixtures.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("corrupt gzip");
    }

    @Test
    void extraBytesAreCounted() throws Exception {
        byte[] full = Fixtures.labels(1, 2, 3);
        Path f = Fixtures.write(dir, "extra", Arrays.copyOf(full, full.length + 3));

        assertThatThrownBy(() -> IdxReader.readLabels(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("extra bytes")
                .hasMessageContaining("declares 3 = 3 data bytes but the file holds 6 (3 bytes after the data)");
    }

    @Test
    void extraBytesInsideGzipAreCounted() throws Exception {
        byte[] full = Fixtures.labels(1, 2, 3);
        Path f = Fixtures.write(dir, "extra.gz", Fixtures.gzip(Arrays.copyOf(full, full.length + 1)));

        assertThatThrownBy(() -> IdxReader.readLabels(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("1 bytes after the data")
                .hasMessageContaining("after decompression");
    }

    @Test
    void labelOutOfRangeNamesItemAndRange() throws Exception {
        Path f = Fixtures.write(dir, "labels", Fixtures.labels(0, 3, 10, 1));

        assertThatThrownBy(() -> IdxReader.readLabels(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("label 10 of item 2 out of range 0..9");
    }

    @Test
    void imageLabelCountMismatchNamesBothFiles() throws Exception {
        Path im = Fixtures.write(dir, "images", Fixtures.images(3, 2, 2));
        Path lb = Fixtures.write(dir, "labels", Fixtures.labels(1, 2));

        assertThatThrownBy(() -> IdxReader.load(im, lb)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(lb.toString()).hasMessageContaining(im.toString())
                .hasMessageContaining("count mismatch: 2 labels").hasMessageContaining("holds 3 images");
    }

    @Test
    void negativeDimensionIsRejected() throws Exception {
        Path f = Fixtures.write(dir, "neg", Fixtures.idx(IdxReader.IMAGE_MAGIC, new int[] {1, -2, 2}, new byte[0]));

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("dimension 1 has size 4294967294");
    }

    @Test
    void missingFileIsNotFound() {
        Path f = dir.resolve("nope");

        assertThatThrownBy(() -> IdxReader.readImages(f)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("no such file");
    }
}
