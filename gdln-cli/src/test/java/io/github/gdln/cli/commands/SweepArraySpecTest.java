package io.github.gdln.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** sbatch's {@code --array} lists: the points a resubmission names, and back. */
class SweepArraySpecTest {
    @Test
    void consecutivePointsBecomeRangesAndParseBack() {
        assertThat(SweepCommand.arraySpec(List.of(0, 1, 2, 3))).isEqualTo("0-3");
        assertThat(SweepCommand.arraySpec(List.of(1, 3, 4, 5, 9))).isEqualTo("1,3-5,9");
        assertThat(SweepCommand.arraySpec(List.of(7))).isEqualTo("7");
        assertThat(SweepCommand.indices("1,3-5,9%2")).isEqualTo(Set.of(1, 3, 4, 5, 9));
        assertThat(SweepCommand.indices("0-3")).containsExactly(0, 1, 2, 3);
    }
}
