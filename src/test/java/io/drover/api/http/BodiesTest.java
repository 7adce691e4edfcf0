package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;
import io.drover.json.Mappers;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** YAML bodies as kube-apiserver reads them, and what it answers when go-yaml refuses one. */
class BodiesTest {
    private final Bodies bodies = new Bodies(Mappers.json());

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonThatGoWouldRefuseIsRefusedWithoutJavasNamesInTheMessage() {
        Bodies requests = new Bodies(Mappers.requestJson());
        assertThatThrownBy(() -> requests.parse(bytes("{\"a\": 1} {\"b\": 2}"), "application/json"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageContaining("Trailing token").hasMessageNotContaining("`");
        assertThatThrownBy(() -> requests.parse(bytes("{\"a\": NaN}"), "application/json"))
                .hasMessageEndingWith("Non-standard token 'NaN'");
        assertThatThrownBy(() -> requests.parse(bytes("[".repeat(1001) + "]".repeat(1001)), "application/json"))
                .hasMessageEndingWith("Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertThat(Bodies.withoutJavaNames("java.io.CharConversionException: Invalid UTF-32 character 0x7fffffff"))
                .isEqualTo("Invalid UTF-32 character 0x7fffffff");
        assertThat(requests.parse(bytes("{\"a\": 1}\n  "), "application/json").path("a").asInt()).isEqualTo(1);
    }

    @Test
    void anObjectToCreateOrReplaceIsNotAPatch() {
        for (String media : new String[] {"application/merge-patch+json", "application/json-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml"}) {
            assertThatThrownBy(() -> bodies.parse(bytes("{}"), media, new BodyKind("v1", "ConfigMap")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(415));
            assertThat(bodies.parse(bytes("{}"), media).isObject()).isTrue();
        }
    }

    @Test
    void yamlBodiesExpandAliasesAndMergeKeys() {
        for (String media : new String[] {"application/yaml", "application/apply-patch+yaml; charset=utf-8"}) {
            JsonNode body = bodies.parse(bytes("""
                    kind: ConfigMap
                    metadata: {name: cm, labels: &l {app: web}, annotations: {<<: *l, note: x}}
                    data: {a: &v hello, b: *v}
                    """), media);
            assertThat(body.path("data").path("b").asText()).as(media).isEqualTo("hello");
            assertThat(body.path("metadata").path("annotations").path("app").asText()).isEqualTo("web");
        }
    }

    @Test
    void aRefusedCreateOrUpdateBodyIsWordedAsTransformDecodeErrorWordsIt() {
        byte[] body = bytes("kind: ConfigMap\ndata: {a: *x, b: 1}\n");
        assertThatThrownBy(() -> bodies.parse(body, "application/yaml", new BodyKind("v1", "ConfigMap")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("BadRequest");
                    assertThat(e.getMessage()).isEqualTo("the object provided is unrecognized (must be of type "
                            + "ConfigMap): yaml: unknown anchor 'x' referenced ("
                            + HexFormat.of().formatHex(body, 0, 30) + " ...)");
                });
        assertThatThrownBy(() -> bodies.parse(bytes("{a: *x}"), "application/yaml", new BodyKind("v1", "Pod")))
                .hasMessage("the object provided is unrecognized (must be of type Pod): "
                        + "yaml: unknown anchor 'x' referenced ({a: *x})");
    }

    @Test
    void aRefusedApplyPatchIsWordedAsTheApplyPatcherWordsIt() {
        StringBuilder laughs = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 9; level++) {
            String previous = "*a" + (level - 1);
            laughs.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, previous))).append("]\n");
        }
        assertThatThrownBy(() -> bodies.parse(bytes(laughs.toString()), "application/apply-patch+yaml"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("error decoding YAML: error converting YAML to JSON: "
                        + "yaml: document contains excessive aliasing");
    }

    @Test
    void yamlSyntaxErrorsStillNameTheirPosition() {
        assertThatThrownBy(() -> bodies.parse(bytes("a: [1, 2\nb: 3"), "application/yaml",
                new BodyKind("v1", "ConfigMap")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageStartingWith("the request body could not be decoded at line ");
    }
}
