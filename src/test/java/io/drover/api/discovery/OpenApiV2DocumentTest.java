package io.drover.api.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;

class OpenApiV2DocumentTest {

    private static final String CLIENT_GO_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    private final OpenApiV2Document document = new OpenApiV2Document();

    @Test
    void clientGoGetsTheGnosticProtobufOfASwaggerDocumentWithoutDefinitions() throws Exception {
        OpenApiV2Document.Representation proto = document.negotiate(CLIENT_GO_ACCEPT).orElseThrow();

        assertThat(proto.contentType()).isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        UnknownFieldSet fields = UnknownFieldSet.parseFrom(proto.body());
        assertThat(string(fields, 1)).isEqualTo("2.0");
        UnknownFieldSet info = UnknownFieldSet.parseFrom(fields.getField(2).getLengthDelimitedList().getFirst());
        assertThat(string(info, 1)).isEqualTo("Kubernetes");
        assertThat(string(info, 2)).isEqualTo("v1.32.0");
        assertThat(fields.hasField(8)).as("paths").isTrue();
        assertThat(fields.hasField(9)).as("definitions: none, so kubectl validates no kind client-side").isFalse();
    }

    @Test
    void theOtherProtobufSpellingAndJsonAreServedToo() throws Exception {
        assertThat(document.negotiate("application/com.github.proto-openapi.spec.v2.v1.0+protobuf").orElseThrow()
                .contentType()).endsWith("+protobuf");

        OpenApiV2Document.Representation json = document.negotiate("application/json").orElseThrow();
        assertThat(json.contentType()).isEqualTo("application/json");
        JsonNode doc = new ObjectMapper().readTree(new String(json.body(), UTF_8));
        assertThat(doc.path("swagger").asText()).isEqualTo("2.0");
        assertThat(doc.path("info").path("version").asText()).isEqualTo("v1.32.0");
        assertThat(doc.path("paths").isObject()).isTrue();
    }

    @Test
    void negotiationFollowsTheAcceptHeaderInOrder() {
        assertThat(document.negotiate(null).orElseThrow().contentType()).isEqualTo("application/json");
        assertThat(document.negotiate("*/*").orElseThrow().contentType()).isEqualTo("application/json");
        assertThat(document.negotiate("text/html, " + CLIENT_GO_ACCEPT + ", application/json").orElseThrow()
                .contentType()).endsWith("+protobuf");
        assertThat(document.negotiate(CLIENT_GO_ACCEPT + ";q=0.9, application/json").orElseThrow().contentType())
                .isEqualTo("application/json");
        assertThat(document.negotiate("*/*;q=0.5, " + CLIENT_GO_ACCEPT).orElseThrow().contentType())
                .endsWith("+protobuf");
        assertThat(document.negotiate("application/json;q=0, " + CLIENT_GO_ACCEPT).orElseThrow().contentType())
                .endsWith("+protobuf");
        assertThat(document.negotiate("text/html")).isEmpty();
        assertThat(document.negotiate("application/yaml")).isEmpty();
    }

    @Test
    void theEntityTagIsQuotedAndStable() {
        assertThat(document.etag()).startsWith("\"").endsWith("\"").isEqualTo(new OpenApiV2Document().etag());
    }

    private static String string(UnknownFieldSet fields, int number) {
        ByteString value = fields.getField(number).getLengthDelimitedList().getFirst();
        return value.toStringUtf8();
    }
}
