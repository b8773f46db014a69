package org.example.gdlnplugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gdln.api.Edge;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Node;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template plugin's components against closed forms and the contract gdln relies on. */
class TemplatePluginTest {
    private static TaskData tree(int depth) {
        return new TreeItemsTask().load(new Params("task", Map.of("depth", depth)), 1);
    }

    /**
     * Depth 2: item i and item j share 3 tree nodes when i = j, 2 when siblings and 1 (the root) otherwise, so the
     * items' Gram matrix Y Yᵀ has the eigenvectors (1,1,1,1), (1,1,−1,−1), (1,−1,0,0), (0,0,1,−1) with eigenvalues
     * 7, 3, 1, 1: the squared singular values of Σyx (inputs are one-hot), learned in that order.
     */
    @Test
    void treeItemsHaveTheHierarchicalSpectrum() {
        TaskData data = tree(2);
        assertEquals(4, data.sampleCount());
        assertEquals(Map.of("x", 4), data.inputWidths());
        assertEquals(Map.of("y", 7), data.outputWidths());
        double[] y = new double[4 * 7];
        data.target("y", new int[] {0, 1, 2, 3}, y);
        double[][] gram = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int f = 0; f < 7; f++) {
                    gram[i][j] += y[i * 7 + f] * y[j * 7 + f];
                }
            }
        }
        double[][] vectors = {{1, 1, 1, 1}, {1, 1, -1, -1}, {1, -1, 0, 0}, {0, 0, 1, -1}};
        double[] values = {7, 3, 1, 1};
        for (int k = 0; k < 4; k++) {
            double[] image = new double[4];
            double[] expected = new double[4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    image[i] += gram[i][j] * vectors[k][j];
                }
                expected[i] = values[k] * vectors[k][i];
            }
            assertArrayEquals(expected, image, 0, "eigenvector " + k); // small integers: exact
        }
        double[] x = new double[4 * 4];
        data.input("x", new int[] {2}, x);
        assertArrayEquals(new double[] {0, 0, 1, 0}, java.util.Arrays.copyOf(x, 4), 0);
        assertEquals(List.of("deep", "shallow"), data.contexts().stream().map(c -> c.name()).toList());
    }

    @Test
    void skipNetTakesItsWidthsFromTheData() {
        Graph g = new SkipNetArchitecture().build(new Params("model", Map.of("hidden-width", 5)), tree(3));
        assertEquals(List.of(new Node("x", 8), new Node("h", 5), new Node("y", 15)), g.nodes());
        assertEquals(List.of(new Edge("in", "x", "h"), new Edge("out", "h", "y"), new Edge("skip", "x", "y")),
                g.edges());
    }

    @Test
    void pathSwitchClosesOnePathwayPerContext() {
        TaskData data = tree(2);
        Graph g = new SkipNetArchitecture().build(new Params("model", Map.of("hidden-width", 3)), data);
        GatingScheme.Gating gating = new PathSwitchGating().bind(new Params("gating",
                Map.of("train-shallow", false)), g, data, 1);
        assertArrayEquals(new double[] {0}, gating.gates(0).edges().get("skip"));
        assertTrue(gating.gates(0).nodes().isEmpty());
        assertArrayEquals(new double[] {0}, gating.gates(1).nodes().get("h"));
        assertTrue(gating.trained(0));
        assertFalse(gating.trained(1));
        Graph noSkip = new Graph(g.nodes(), g.edges().subList(0, 2), g.inputs(), g.outputs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PathSwitchGating()
                .bind(new Params("gating", Map.of("train-shallow", true)), noSkip, data, 1));
        assertTrue(e.getMessage().contains("no edge 'skip'"), e.getMessage());
    }
}
