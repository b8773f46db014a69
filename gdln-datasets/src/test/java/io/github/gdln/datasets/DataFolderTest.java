package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @TempDir
    Path dir;

    @Test
    void gdlnDataWinsOverXdgCache() {
        DataFolder f = DataFolder.fromEnvironment(Map.of("GDLN_DATA", "/data/g", "XDG_CACHE_HOME", "/x"), "/home/u");

        assertThat(f.root()).isEqualTo(Path.of("/data/g"));
    }

    @Test
    void xdgCacheThenHomeCache() {
        assertThat(DataFolder.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x", "GDLN_DATA", " "), "/home/u").root())
                .isEqualTo(Path.of("/x/gdln/data"));
        assertThat(DataFolder.fromEnvironment(Map.of(), "/home/u").root())
                .isEqualTo(Path.of("/home/u/.cache/gdln/data"));
    }

    @Test
    void locatesPlainAndGzipFiles() throws Exception {
        Path m = dir.resolve("mnist");
        Fixtures.write(m, "train-images-idx3-ubyte", Fixtures.images(2, 2, 2));
        Fixtures.write(m, "train-labels-idx1-ubyte.gz", Fixtures.gzip(Fixtures.labels(3, 4)));
        Fixtures.write(m, "t10k-images-idx3-ubyte.gz", Fixtures.gzip(Fixtures.images(1, 2, 2)));
        Fixtures.write(m, "t10k-labels-idx1-ubyte", Fixtures.labels(5));

        DataFolder.IdxFiles files = new DataFolder(dir).mnist();

        assertThat(files.trainLabels()).isEqualTo(m.resolve("train-labels-idx1-ubyte.gz"));
        assertThat(files.loadTrain().labels()).containsExactly(3, 4);
        assertThat(files.loadTest().labels()).containsExactly(5);
    }

    @Test
    void missingFilesAreListedWithTheFetchCommand() throws Exception {
        Fixtures.write(dir.resolve("mnist"), "train-images-idx3-ubyte", Fixtures.images(1, 1, 1));

        assertThatThrownBy(() -> new DataFolder(dir).mnist()).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(dir.resolve("mnist").toString())
                .hasMessageContaining("train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]")
                .hasMessageContaining("scripts/fetch-data mnist").hasMessageContaining("GDLN_DATA");
        assertThatThrownBy(() -> new DataFolder(dir).fashionMnist())
                .hasMessageContaining("scripts/fetch-data fashion-mnist");
    }
}
