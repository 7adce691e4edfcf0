package io.drover.api.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Path elements order as structured-merge-diff orders them: by kind, then by fieldsV1 key. */
class PathElementTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void elementsOrderByKindThenByTheirFieldsV1Key() {
        List<PathElement> elements = new ArrayList<>(List.of(
                new PathElement.Index(10), new PathElement.Value(NODES.textNode("b")),
                new PathElement.Field("spec"), new PathElement.Key(NODES.objectNode().put("name", "web")),
                new PathElement.Index(9), new PathElement.Field("apiVersion"), new PathElement.Field("metadata"),
                new PathElement.Value(NODES.textNode("a")), new PathElement.Field("a.b"),
                new PathElement.Key(NODES.objectNode().put("name", "api")), new PathElement.Field("Z")));
        List<PathElement> byKey = new ArrayList<>(elements);
        byKey.sort(Comparator.comparingInt(PathElementTest::kind).thenComparing(PathElement::fieldsV1Key));

        elements.sort(null);

        assertThat(elements).containsExactlyElementsOf(byKey);
        assertThat(elements).extracting(PathElement::fieldsV1Key).containsExactly(
                "f:Z", "f:a.b", "f:apiVersion", "f:metadata", "f:spec",
                "k:{\"name\":\"api\"}", "k:{\"name\":\"web\"}", "v:\"a\"", "v:\"b\"", "i:10", "i:9");
    }

    private static int kind(PathElement element) {
        return switch (element) {
            case PathElement.Field f -> 0;
            case PathElement.Key k -> 1;
            case PathElement.Value v -> 2;
            case PathElement.Index i -> 3;
        };
    }
}
