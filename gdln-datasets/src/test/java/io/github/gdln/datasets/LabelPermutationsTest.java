package io.github.gdln.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelPermutationsTest {

    @Test
    void indexZeroIsTheIdentity() {
        assertThat(LabelPermutations.lexicographic(0, 10)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void firstHundredTwentyPermutationsOfTenFixPositionsZeroToFour() {
        for (int j = 0; j < 120; j++) {
            int[] p = LabelPermutations.lexicographic(j, 10);
            assertThat(p).startsWith(0, 1, 2, 3, 4);
        }
        assertThat(LabelPermutations.lexicographic(120, 10)).startsWith(0, 1, 2, 3, 5);
    }

    @Test
    void lastIndexIsTheReversal() {
        assertThat(LabelPermutations.lexicographic(3628799, 10)).containsExactly(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        assertThat(LabelPermutations.lexicographic(LabelPermutations.factorial(20) - 1, 20)[0]).isEqualTo(19);
    }

    @Test
    void unrankingMatchesBruteForceListingForFive() {
        List<int[]> all = new ArrayList<>();
        list(new int[0], 5, all);

        assertThat(all).hasSize(120);
        for (int j = 0; j < 120; j++) {
            assertThat(LabelPermutations.lexicographic(j, 5)).as("j=%d", j).containsExactly(all.get(j));
        }
    }

    @Test
    void rejectsIndexBeyondNFactorial() {
        assertThatThrownBy(() -> LabelPermutations.lexicographic(3628800, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("j=3628800")
                .hasMessageContaining("10! = 3628800").hasMessageContaining("valid j: 0..3628799");
        assertThatThrownBy(() -> LabelPermutations.lexicographic(-1, 3)).hasMessageContaining("j=-1");
    }

    @Test
    void relabelingIsTheIndexOfTheClassInThePermutation() {
        int[] perm = {2, 0, 1};

        // class 2 is at position 0, class 0 at position 1, class 1 at position 2
        assertThat(LabelPermutations.relabeling(perm)).containsExactly(1, 2, 0);
    }

    @Test
    void lexicographicRelabelingsOnlyMoveClassesFiveToNineForAHundredDomains() {
        int[][] r = LabelPermutations.relabelings(LabelPermutationOrder.LEXICOGRAPHIC, 100, 10, null);

        assertThat(r[0]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(r[1]).containsExactly(LabelPermutations.inverse(LabelPermutations.lexicographic(1, 10)));
        for (int[] relabel : r) {
            assertThat(relabel).startsWith(0, 1, 2, 3, 4);
        }
    }

    @Test
    void uniformRelabelingsAreDistinctReproducibleAndStartWithTheIdentity() {
        int[][] a = LabelPermutations.relabelings(LabelPermutationOrder.UNIFORM, 24, 4, new SplittableRandom(7));
        int[][] b = LabelPermutations.relabelings(LabelPermutationOrder.UNIFORM, 24, 4, new SplittableRandom(7));

        assertThat(a).isDeepEqualTo(b);
        assertThat(a[0]).containsExactly(0, 1, 2, 3);
        Set<List<Integer>> distinct = new HashSet<>();
        for (int[] r : a) {
            distinct.add(java.util.Arrays.stream(r).boxed().toList());
        }
        assertThat(distinct).hasSize(24);
        assertThatThrownBy(() -> LabelPermutations.relabelings(LabelPermutationOrder.UNIFORM, 25, 4,
                new SplittableRandom(1))).hasMessageContaining("4! = 24");
    }

    private static void list(int[] prefix, int n, List<int[]> out) {
        if (prefix.length == n) {
            out.add(prefix);
            return;
        }
        for (int v = 0; v < n; v++) {
            boolean used = false;
            for (int p : prefix) {
                used |= p == v;
            }
            if (!used) {
                int[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                next[prefix.length] = v;
                list(next, n, out);
            }
        }
    }
}
