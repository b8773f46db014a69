package io.github.gdln.core.graph;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.Context;
import io.github.gdln.api.Edge;
import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.Loss;
import io.github.gdln.api.Node;
import io.github.gdln.core.engine.BoundTask;
import io.github.gdln.core.tasks.InMemoryTaskData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every way a graph or its gates can be wrong fails with a message naming the node, edge or context and value. */
class GraphValidationTest {
    private static final List<Node> NODES = List.of(new Node("x", 2), new Node("h", 3), new Node("y", 1));

    private static Graph graph(List<Node> nodes, List<Edge> edges) {
        return new Graph(nodes, edges, List.of("x"), List.of("y"));
    }

    @Test
    void unknownNodeIsNamed() {
        Graph g = graph(NODES, List.of(new Edge("a", "x", "h"), new Edge("b", "hidden", "y")));
        assertThatThrownBy(() -> new CompiledGraph(g)).isInstanceOf(GraphException.class)
                .hasMessageContaining("source of edge 'b'").hasMessageContaining("unknown node 'hidden'");
    }

    @Test
    void cycleNamesItsNodes() {
        List<Node> nodes = List.of(new Node("x", 2), new Node("h1", 3), new Node("h2", 3), new Node("y", 1));
        Graph g = new Graph(nodes, List.of(new Edge("a", "x", "h1"), new Edge("b", "h1", "h2"),
                new Edge("c", "h2", "h1"), new Edge("d", "h2", "y")), List.of("x"), List.of("y"));
        assertThatThrownBy(() -> new CompiledGraph(g)).hasMessageContaining("cycle")
                .hasMessageContaining("h1").hasMessageContaining("h2");
    }

    @Test
    void duplicateNodeAndEdgeNamesAreNamed() {
        List<Node> dup = List.of(new Node("x", 2), new Node("x", 3), new Node("y", 1));
        assertThatThrownBy(() -> new CompiledGraph(graph(dup, List.of(new Edge("a", "x", "y")))))
                .hasMessageContaining("duplicate node name 'x'");
        assertThatThrownBy(() -> new CompiledGraph(graph(NODES,
                List.of(new Edge("a", "x", "h"), new Edge("a", "h", "y")))))
                .hasMessageContaining("duplicate edge name 'a'");
    }

    @Test
    void unreachableOutputIsNamed() {
        Graph g = graph(NODES, List.of(new Edge("a", "x", "h")));
        assertThatThrownBy(() -> new CompiledGraph(g)).hasMessageContaining("output node 'y' is not reached");
    }

    @Test
    void unreachableHiddenNodeIsNamed() {
        List<Node> nodes = List.of(new Node("x", 2), new Node("h", 3), new Node("orphan", 2), new Node("y", 1));
        Graph g = graph(nodes, List.of(new Edge("a", "x", "h"), new Edge("b", "h", "y"),
                new Edge("c", "orphan", "y")));
        assertThatThrownBy(() -> new CompiledGraph(g)).hasMessageContaining("node 'orphan' is not reached");
    }

    @Test
    void edgeIntoAnInputIsRejected() {
        Graph g = graph(NODES, List.of(new Edge("a", "x", "h"), new Edge("b", "h", "y"), new Edge("c", "h", "x")));
        assertThatThrownBy(() -> new CompiledGraph(g)).hasMessageContaining("edge 'c' enters input node 'x'");
    }

    @Test
    void nodeWidthMustBePositive() {
        assertThatThrownBy(() -> new Node("h", 0)).hasMessageContaining("node 'h'").hasMessageContaining("was 0");
    }

    private static CompiledGraph valid() {
        return new CompiledGraph(graph(NODES, List.of(new Edge("a", "x", "h"), new Edge("b", "h", "y"))));
    }

    private static InMemoryTaskData data(int inputWidth) {
        return new InMemoryTaskData(Map.of("x", new double[][] {new double[inputWidth], new double[inputWidth]}),
                Map.of("y", new double[][] {{1}, {0}}), List.of(new Context("only", Map.of())),
                Loss.halfSquaredError());
    }

    private static GatingScheme.Gating gating(Gates gates) {
        return new GatingScheme.Gating() {
            @Override
            public Gates gates(int context) {
                return gates;
            }

            @Override
            public boolean trained(int context) {
                return true;
            }
        };
    }

    @Test
    void widthMismatchBetweenGraphAndDataIsNamed() {
        assertThatThrownBy(() -> new BoundTask(valid(), data(5), gating(Gates.open())))
                .hasMessageContaining("width mismatch at input node 'x'").hasMessageContaining("graph says 2")
                .hasMessageContaining("has 5");
    }

    @Test
    void gateOutOfRangeNamesContextNodeAndValue() {
        Gates bad = new Gates(Map.of("h", new double[] {1.5}), Map.of());
        assertThatThrownBy(() -> new BoundTask(valid(), data(2), gating(bad)))
                .hasMessageContaining("context 'only'").hasMessageContaining("node 'h'")
                .hasMessageContaining("1.5").hasMessageContaining("[0, 1]");
        Gates nan = new Gates(Map.of(), Map.of("b", new double[] {1, Double.NaN}));
        assertThatThrownBy(() -> new BoundTask(valid(), data(2), gating(nan)))
                .hasMessageContaining("edge 'b'").hasMessageContaining("NaN at sample 1");
    }

    @Test
    void gateWithWrongLengthOrUnknownTargetIsNamed() {
        Gates wrongLength = new Gates(Map.of("h", new double[] {1, 0, 1}), Map.of());
        assertThatThrownBy(() -> new BoundTask(valid(), data(2), gating(wrongLength)))
                .hasMessageContaining("has 3 values; expected 1 or 2");
        Gates unknown = new Gates(Map.of("z", new double[] {1}), Map.of());
        assertThatThrownBy(() -> new BoundTask(valid(), data(2), gating(unknown)))
                .hasMessageContaining("gates unknown node 'z'");
    }
}
