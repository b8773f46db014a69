package io.github.gdln.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.gdln.core.train.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv: engine extras as columns, exact numbers, per-context columns up to the cap. */
class MetricsCsvTest {
    @TempDir
    Path tmp;

    static Trajectory.Point point(int contexts, Map<String, Double> extras) {
        double[] ctx = IntStream.range(0, contexts).mapToDouble(c -> 0.1 * c + 1.0 / 3).toArray();
        return new Trajectory.Point(1, 2.0 / 3, 0.5, OptionalDouble.empty(), OptionalDouble.of(0.25),
                OptionalDouble.empty(), ctx, Map.of(), extras);
    }

    static List<String> names(int n) {
        return IntStream.range(0, n).mapToObj(c -> "c" + c).toList();
    }

    @Test
    void extrasAndContextsAreColumnsAndNumbersReadBackExactly() throws IOException {
        Path file = tmp.resolve("metrics.csv");
        Map<String, Double> extras = new LinkedHashMap<>();
        extras.put("step_loss", 0.1 + 0.2);
        try (MetricsCsv m = MetricsCsv.create(file, names(3), List.of("test_trained_loss", "step_loss"), List.of(), 0,
                List.of())) {
            m.append(point(3, extras));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("epoch,loss,trained_loss,untrained_loss,trained_accuracy,"
                + "untrained_accuracy,test_trained_loss,step_loss,ctx.c0,ctx.c1,ctx.c2");
        MetricsCsv.Table t = MetricsCsv.read(file);
        assertThat(t.column("step_loss")[0]).isEqualTo(0.1 + 0.2);
        assertThat(t.column("test_trained_loss")[0]).isNaN(); // absent: an empty cell
        assertThat(t.column("loss")[0]).isEqualTo(2.0 / 3);
        assertThat(t.column("ctx.c2")[0]).isEqualTo(0.2 + 1.0 / 3);
    }

    @Test
    void moreContextsThanTheCapGetNoPerContextColumns() throws IOException {
        int many = MetricsCsv.MAX_CONTEXT_COLUMNS + 1;
        Path file = tmp.resolve("metrics.csv");
        try (MetricsCsv m = MetricsCsv.create(file, names(many), List.of(), List.of(), 0, List.of())) {
            m.append(point(many, Map.of()));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(String.join(",", MetricsCsv.FIXED));
        assertThat(lines.get(1).split(",", -1)).hasSize(MetricsCsv.FIXED.size());
    }
}
