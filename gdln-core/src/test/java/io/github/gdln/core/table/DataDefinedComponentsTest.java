package io.github.gdln.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.gdln.api.Gates;
import io.github.gdln.api.GatingScheme;
import io.github.gdln.api.Graph;
import io.github.gdln.api.LossKind;
import io.github.gdln.api.Params;
import io.github.gdln.api.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model = graph}, {@code gating = table} and {@code task = table} on small hand-written blocks: what they
 * build, and that each bad node, edge, context or array fails naming where it was written and what was expected.
 */
class DataDefinedComponentsTest {
    @TempDir
    Path tmp;

    /** A block written at {@code a.conf:line}, as the command line binds it. */
    static Params at(String owner, int line, Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Params(owner, m, "a.conf:" + line);
    }

    /** Task parameters over the table task's defaults. */
    static Params task(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>(Map.of("contexts", List.of("all"), "inputs", List.of(),
                "targets", List.of(), "annotations", List.of(), "loss", "squared-error", "loss-scale", 0.5,
                "mean-over-contexts", false));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Params("task table", m);
    }

    static final Params X = at("task.inputs[0]", 3, "node", "x", "values", List.of(List.of(1, 0), List.of(0, 1),
            List.of(1, 1)));
    static final Params Y = at("task.targets[0]", 4, "node", "y", "values", List.of(1, -1, 0));

    static TaskData xy(Object... more) {
        Object[] kv = new Object[4 + more.length];
        kv[0] = "inputs";
        kv[1] = List.of(X);
        kv[2] = "targets";
        kv[3] = List.of(Y);
        System.arraycopy(more, 0, kv, 4, more.length);
        return new TableTask().load(task(kv), 1);
    }

    static Params graph(List<Params> nodes, List<Params> edges) {
        return new Params("model graph", Map.of("nodes", nodes, "edges", edges, "inputs", List.of("x"),
                "outputs", List.of("y")));
    }

    static final List<Params> NODES = List.of(at("model.nodes[0]", 10, "name", "x"),
            at("model.nodes[1]", 11, "name", "h", "width", 3), at("model.nodes[2]", 12, "name", "y"));
    static final List<Params> EDGES = List.of(at("model.edges[0]", 15, "name", "w1", "from", "x", "to", "h"),
            at("model.edges[1]", 16, "name", "w2", "from", "h", "to", "y"));

    @Test
    void tableTaskReadsInlineArraysAndFiles() throws Exception {
        TaskData d = xy();
        assertThat(d.sampleCount()).isEqualTo(3);
        assertThat(d.inputWidths()).isEqualTo(Map.of("x", 2));
        assertThat(d.outputWidths()).isEqualTo(Map.of("y", 1)); // a flat list is one column
        double[] out = new double[2];
        d.target("y", new int[] {1, 0}, out);
        assertThat(out).containsExactly(-1, 1);
        assertThat(d.loss().kind()).isEqualTo(LossKind.SQUARED_ERROR);
        assertThat(d.loss().scale()).isEqualTo(0.5);

        Path csv = tmp.resolve("y.csv");
        Files.writeString(csv, "y0,y1\n1,0\n0,1\n0,1\n");
        Path npy = tmp.resolve("x.npy");
        Files.write(npy, NpyFileTest.npy(1, "<f4", "False", "(3, 2)", 1, 2, 3, 4, 5, 6));
        TaskData f = new TableTask().load(task("inputs", List.of(at("task.inputs[0]", 3, "nodes", List.of("a", "b"),
                "file", npy.toString())), "targets", List.of(at("task.targets[0]", 4, "node", "y", "file",
                csv.toString())), "loss", "softmax-cross-entropy"), 1);
        double[] a = new double[2];
        f.input("b", new int[] {2}, a);
        assertThat(a).containsExactly(5, 6);
        assertThat(f.inputWidths()).containsOnlyKeys("a", "b");
        assertThat(f.loss().classifies()).isTrue();
    }

    @Test
    void tableTaskErrorsNameTheArray() {
        Params ragged = at("task.targets[0]", 7, "node", "y", "values", List.of(List.of(1), List.of(2, 3)));
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(X), "targets", List.of(ragged)), 1))
                .hasMessage("task.targets[0] (a.conf:7): values is a ragged array: row 1 has 2 entries, row 0 has 1");
        Params short2 = at("task.targets[0]", 8, "node", "y", "values", List.of(1, 2));
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(X), "targets", List.of(short2)), 1))
                .hasMessage("task.targets[0] (a.conf:8): has 2 rows (samples); task.inputs[0] (a.conf:3) has 3");
        Params missing = at("task.targets[0]", 9, "node", "y", "file", tmp.resolve("nope.npy").toString());
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(X), "targets", List.of(missing)), 1))
                .hasMessageStartingWith("task.targets[0] (a.conf:9): no such file ");
        Params both = at("task.targets[0]", 5, "node", "y", "values", List.of(1), "file", "y.npy");
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(X), "targets", List.of(both)), 1))
                .hasMessageContaining("a.conf:5").hasMessageContaining("give either values");
        assertThatThrownBy(() -> xy("loss", "hinge")).hasMessageContaining("parameter 'loss' = hinge is not a loss; expected one of");
        assertThatThrownBy(() -> xy("loss", "softmax-cross-entropy"))
                .hasMessage("task.targets[0] (a.conf:4): row 1 is not a probability row (e.g. one-hot), as the "
                        + "targets of softmax-cross-entropy must be");
        Params typo = at("task.inputs[0]", 3, "nod", "x", "values", List.of(1));
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(typo), "targets", List.of(Y)), 1))
                .hasMessage("task.inputs[0] (a.conf:3): unknown key 'nod'; expected one of node, nodes, values, file");
    }

    @Test
    void tableTaskReportsABadNpyWithTheArraysOrigin() throws Exception {
        Path npy = tmp.resolve("i.npy");
        Files.write(npy, NpyFileTest.npy(1, "<i8", "False", "(3,)", 1, 2, 3));
        Params bad = at("task.targets[0]", 6, "node", "y", "file", npy.toString());
        assertThatThrownBy(() -> new TableTask().load(task("inputs", List.of(X), "targets", List.of(bad)), 1))
                .hasMessage("task.targets[0] (a.conf:6): " + npy + " has dtype '<i8'; expected float32 or float64"
                        + " ('<f4', '<f8')");
    }

    @Test
    void graphBuildsWithWidthsFromTheData() {
        Graph g = new GraphArchitecture().build(graph(NODES, EDGES), xy());
        assertThat(g.node("x").width()).isEqualTo(2);
        assertThat(g.node("h").width()).isEqualTo(3);
        assertThat(g.node("y").width()).isEqualTo(1);
        assertThat(g.edges()).extracting(e -> e.name() + ":" + e.source() + ">" + e.target())
                .containsExactly("w1:x>h", "w2:h>y");
    }

    @Test
    void graphErrorsNameTheNodeOrEdgeAndItsLine() {
        TaskData d = xy();
        GraphArchitecture arch = new GraphArchitecture();
        List<Params> unknownTarget = List.of(EDGES.get(0), at("model.edges[1]", 16, "name", "w2", "from", "h",
                "to", "yy"));
        assertThatThrownBy(() -> arch.build(graph(NODES, unknownTarget), d))
                .hasMessage("model.edges[1] (a.conf:16): edge 'w2' to = yy is not a node; nodes are [x, h, y]");
        List<Params> cycle = List.of(EDGES.get(0), EDGES.get(1), at("model.edges[2]", 17, "name", "back", "from",
                "y", "to", "h"));
        assertThatThrownBy(() -> arch.build(graph(NODES, cycle), d))
                .hasMessageContaining("the graph has a cycle")
                .hasMessageContaining("w2 (h -> y, model.edges[1] (a.conf:16))")
                .hasMessageContaining("back (y -> h, model.edges[2] (a.conf:17))")
                .hasMessageNotContaining("w1");
        assertThatThrownBy(() -> arch.build(graph(NODES, List.of(EDGES.get(1))), d))
                .hasMessage("model.nodes[1] (a.conf:11): node 'h' is not reached from any input node [x]; every node "
                        + "needs a path from an input");
        List<Params> wide = List.of(at("model.nodes[0]", 10, "name", "x", "width", 5), NODES.get(1), NODES.get(2));
        assertThatThrownBy(() -> arch.build(graph(wide, EDGES), d))
                .hasMessage("model.nodes[0] (a.conf:10): input node 'x' has width 5 but the task's data for it has "
                        + "width 2 (leave width out to take the data's)");
        List<Params> noWidth = List.of(NODES.get(0), at("model.nodes[1]", 11, "name", "h"), NODES.get(2));
        assertThatThrownBy(() -> arch.build(graph(noWidth, EDGES), d))
                .hasMessageStartingWith("model.nodes[1] (a.conf:11): hidden node 'h' needs a width");
        List<Params> twice = List.of(NODES.get(0), NODES.get(1), NODES.get(2), at("model.nodes[3]", 13, "name", "h",
                "width", 2));
        assertThatThrownBy(() -> arch.build(graph(twice, EDGES), d))
                .hasMessage("model.nodes[3] (a.conf:13): node 'h' is defined twice (also at model.nodes[1] "
                        + "(a.conf:11))");
        List<Params> bias = List.of(EDGES.get(0), at("model.edges[1]", 16, "name", "w2", "from", "h", "to", "y",
                "bias", true));
        assertThatThrownBy(() -> arch.build(graph(NODES, bias), d))
                .hasMessageStartingWith("model.edges[1] (a.conf:16): edge 'w2' has bias = true, which the engine "
                        + "does not support yet");
        List<Params> hiddenX = List.of(at("model.nodes[0]", 10, "name", "x", "width", 2), NODES.get(1), NODES.get(2));
        Params unfed = new Params("model graph", Map.of("nodes", hiddenX, "edges", List.of(), "inputs",
                List.of("h"), "outputs", List.of("y")));
        assertThatThrownBy(() -> arch.build(unfed, d))
                .hasMessage("model.nodes[1] (a.conf:11): input node 'h' has no data in the task; the task feeds [x]");
    }

    private static Params gating(Params... contexts) {
        return new Params("gating table", Map.of("contexts", List.of(contexts)));
    }

    @Test
    void tableGatingClosesOpensAndReadsPerSampleGates() {
        TaskData d = xy("contexts", List.of("p", "q", "r"), "annotations", List.of(at("task.annotations[0]", 5,
                "name", "relu", "values", List.of(List.of(1, 0), List.of(0, 1), List.of(0.5, 1)))));
        Graph g = new GraphArchitecture().build(graph(NODES, EDGES), d);
        GatingScheme.Gating bound = new TableGating().bind(gating(
                at("gating.contexts[0]", 20, "name", "p", "closes", List.of("w1")),
                at("gating.contexts[1]", 21, "name", "q", "opens", List.of("h"), "trained", false),
                at("gating.contexts[2]", 22, "name", "r", "gates", List.of(at("gating.contexts[2].gates[0]", 23,
                        "node", "h", "data", "relu", "column", 0)))), g, d, 1);
        Gates p = bound.gates(0);
        assertThat(p.edges().get("w1")).containsExactly(0);
        assertThat(p.nodes()).isEmpty();
        // opens h: the switchable units are w1 and h, so q closes w1 and leaves h open
        Gates q = bound.gates(1);
        assertThat(q.edges().get("w1")).containsExactly(0);
        assertThat(q.nodes()).isEmpty();
        assertThat(bound.trained(0)).isTrue();
        assertThat(bound.trained(1)).isFalse();
        // r: column 0 of the annotation, one gate per sample
        assertThat(bound.gates(2).nodes().get("h")).containsExactly(1, 0, 0.5);
        assertThat(bound.gates(2).edges().get("w1")).isNull();
    }

    @Test
    void tableGatingErrorsNameTheContextAndItsLine() {
        TaskData d = xy("contexts", List.of("p", "q"));
        Graph g = new GraphArchitecture().build(graph(NODES, EDGES), d);
        Params p = at("gating.contexts[0]", 20, "name", "p");
        Params q = at("gating.contexts[1]", 21, "name", "q");
        TableGating t = new TableGating();
        assertThatThrownBy(() -> t.bind(gating(p, at("gating.contexts[1]", 21, "name", "q", "closes",
                List.of("w9"))), g, d, 1))
                .hasMessage("gating.contexts[1] (a.conf:21): closes names 'w9', which is neither a node nor an edge"
                        + " of the graph; nodes are [x, h, y], edges are [w1, w2]");
        assertThatThrownBy(() -> t.bind(gating(p), g, d, 1))
                .hasMessageContaining("the task's contexts [q] have no entry in contexts");
        assertThatThrownBy(() -> t.bind(gating(p, q, at("gating.contexts[2]", 22, "name", "z")), g, d, 1))
                .hasMessage("gating.contexts[2] (a.conf:22): context 'z' is not a context of the task; the task's "
                        + "contexts are [p, q]");
        assertThatThrownBy(() -> t.bind(gating(p, at("gating.contexts[1]", 21, "name", "q", "gates",
                List.of(at("gating.contexts[1].gates[0]", 22, "edge", "w2", "data", "x", "column", 2)))), g, d, 1))
                .hasMessage("gating.contexts[1].gates[0] (a.conf:22): column = 2 but 'x' has 2 columns (0..1)");
        assertThatThrownBy(() -> t.bind(gating(p, at("gating.contexts[1]", 21, "name", "q", "gates",
                List.of(at("gating.contexts[1].gates[0]", 22, "edge", "w7", "data", "x", "column", 0)))), g, d, 1))
                .hasMessageStartingWith("gating.contexts[1].gates[0] (a.conf:22): edge 'w7' is not in the graph");
        TaskData big = xy("contexts", List.of("p", "q"), "annotations", List.of(at("task.annotations[0]", 5, "name",
                "m", "values", List.of(2, 0, 1))));
        assertThatThrownBy(() -> t.bind(gating(p, at("gating.contexts[1]", 21, "name", "q", "gates",
                List.of(at("gating.contexts[1].gates[0]", 22, "node", "h", "data", "m", "column", 0)))), g, big, 1))
                .hasMessageContaining("sample 0 of 'm' column 0 is 2.0; a gate must lie in [0, 1]");
        assertThatThrownBy(() -> t.bind(gating(at("gating.contexts[0]", 20, "name", "p", "trained", false),
                at("gating.contexts[1]", 21, "name", "q", "trained", false)), g, d, 1))
                .hasMessageContaining("no context is trained");
    }
}
