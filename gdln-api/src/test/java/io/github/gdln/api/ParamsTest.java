package io.github.gdln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private final Params nested = new Params("model graph", Map.of(
            "inputs", List.of("x", "y"),
            "nodes", List.of(new Params("model.nodes[0]", Map.of("name", "x"), "a.conf:4"),
                    Map.of("name", "h", "width", 8)),
            "block", Map.of("k", 2)), "a.conf:2");

    @Test
    void readsNestedBlocksAndListsOfBlocks() {
        List<Params> nodes = nested.getParamsList("nodes");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(0).getString("name")).isEqualTo("x");
        assertThat(nodes.get(0).where()).isEqualTo("model.nodes[0] (a.conf:4)");
        // a plain map is wrapped with its position and the enclosing block's origin
        assertThat(nodes.get(1).getInt("width")).isEqualTo(8);
        assertThat(nodes.get(1).where()).isEqualTo("model graph.nodes[1] (a.conf:2)");
        assertThat(nested.getParams("block").getInt("k")).isEqualTo(2);
        assertThat(nested.getStringList("inputs")).containsExactly("x", "y");
    }

    @Test
    void errorsNameWhereTheBlockWasWritten() {
        Params node = nested.getParamsList("nodes").get(0);
        assertThatThrownBy(() -> node.getInt("width"))
                .hasMessage("model.nodes[0] (a.conf:4): parameter 'width' is missing (have [name])");
        assertThatThrownBy(() -> nested.getParamsList("inputs"))
                .hasMessageContaining("a.conf:2").hasMessageContaining("element 0 = x is not an object");
        assertThatThrownBy(() -> nested.getParams("inputs")).hasMessageContaining("is not an object");
        assertThatThrownBy(() -> nested.getStringList("block")).hasMessageContaining("is not a list of names");
        assertThatThrownBy(() -> node.requireOnly(List.of("width")))
                .hasMessage("model.nodes[0] (a.conf:4): unknown key 'name'; expected one of width");
    }

    @Test
    void twoArgumentParamsHaveNoOrigin() {
        Params p = new Params("task xor", Map.of("labels", "xor"));
        assertThat(p.origin()).isEmpty();
        assertThat(p.where()).isEqualTo("task xor");
        assertThat(p.with("k", 1).getInt("k")).isEqualTo(1);
    }
}
