package io.github.gdln.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvFileTest {
    @Test
    void skipsCommentsBlankLinesAndAHeader() {
        double[][] a = CsvFile.parse(List.of("# a comment", "f0, f1", "", "1, 2.5", "-3,4e-1"), "a.csv");
        assertThat(a).isDeepEqualTo(new double[][] {{1, 2.5}, {-3, 0.4}});
        assertThat(CsvFile.parse(List.of("1 2", "3 4"), "w.csv")).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}});
    }

    @Test
    void raggedRowsAndWordsFailNamingFileAndLine() {
        assertThatThrownBy(() -> CsvFile.parse(List.of("1,2", "3"), "r.csv"))
                .hasMessage("r.csv:2: a ragged row of 1 values; the rows above have 2");
        assertThatThrownBy(() -> CsvFile.parse(List.of("1,2", "3,x"), "n.csv"))
                .hasMessage("n.csv:2: value 2 'x' is not a number");
        assertThatThrownBy(() -> CsvFile.parse(List.of("# only", "a,b"), "e.csv"))
                .hasMessage("e.csv holds no rows of numbers");
    }
}
