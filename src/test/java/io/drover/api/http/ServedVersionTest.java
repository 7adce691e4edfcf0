package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** autoscaling/v1 answers converted from the stored v2: whole, watch lines, and a streamed list. */
class ServedVersionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType HPA_V1 =
            REGISTRY.find("autoscaling", "v1", "horizontalpodautoscalers").orElseThrow();

    private static final String HPA_V2 = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5,
                     "metrics":[{"type":"Resource","resource":{"name":"cpu",
                                 "target":{"type":"Utilization","averageUtilization":60}}}]}}"""
            .replace("\n", "");

    /** Collects what the converted answer writes into the wrapped one. */
    private static final class Collected implements ApiResponse {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void addHeader(String name, String value) {
        }

        @Override
        public void send(int status, String contentType, byte[] bytes) {
            body.writeBytes(bytes);
        }

        @Override
        public OutputStream stream(int status, String contentType) {
            return body;
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static ApiResponse served(Collected into) {
        return ServedVersion.of(HPA_V1, REGISTRY, JSON).orElseThrow().servedResponse(into);
    }

    @Test
    void aStreamedListIsConvertedWholeWhenItEnds() throws IOException {
        Collected collected = new Collected();
        String list = "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscalerList\","
                + "\"items\":[" + HPA_V2 + "," + HPA_V2 + "],\"metadata\":{\"resourceVersion\":\"9\"}}";

        try (OutputStream out = served(collected).stream(200, "application/json")) {
            out.write(list.getBytes(StandardCharsets.UTF_8));
        }

        JsonNode converted = JSON.readTree(collected.text());
        assertThat(converted.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(converted.path("items")).hasSize(2);
        assertThat(converted.at("/items/1/apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(converted.at("/items/1/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
        assertThat(converted.at("/metadata/resourceVersion").asText()).isEqualTo("9");
    }

    private static ApiRequest createV1(String body) {
        return new ApiRequest("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", Map.of(),
                Map.of("content-type", "application/json"), () -> body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void av1BodyIsDecodedAsStrictlyAsAV2One() {
        ServedVersion v1 = ServedVersion.of(HPA_V1, REGISTRY, JSON).orElseThrow();
        String prefix = "HorizontalPodAutoscaler in version \"v1\" cannot be handled as a HorizontalPodAutoscaler: "
                + "json: cannot unmarshal ";
        String target = "into Go struct field HorizontalPodAutoscalerSpec.spec.targetCPUUtilizationPercentage of type "
                + "int32";
        Map<String, String> refusals = Map.of(
                "\"50\"", prefix + "string " + target,
                "true", prefix + "bool " + target,
                "{}", prefix + "object " + target,
                "[]", prefix + "array " + target,
                "1.9", prefix + "number 1.9 " + target,
                // Go quotes the literal as written; Jackson's double gives it back as 1.0E30.
                "1e30", prefix + "number 1.0E30 " + target);
        refusals.forEach((value, message) -> {
            String body = "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\","
                    + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"maxReplicas\":3,"
                    + "\"targetCPUUtilizationPercentage\":" + value + "}}";
            assertThatThrownBy(() -> v1.storedRequest(createV1(body), new ResourcePath(HPA_V1, "default", null, null), new Bodies(JSON), new Collected()).body().read()).as(value)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.getMessage()).isEqualTo(message);
                    });
        });
        for (String annotations : List.of("\"a\"", "[\"a\"]")) {
            String body = "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\","
                    + "\"metadata\":{\"name\":\"web\",\"annotations\":" + annotations + "},"
                    + "\"spec\":{\"maxReplicas\":3}}";
            assertThatThrownBy(() -> v1.storedRequest(createV1(body), new ResourcePath(HPA_V1, "default", null, null), new Bodies(JSON), new Collected()).body().read()).as(annotations)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                            .contains("Go struct field ObjectMeta.metadata.annotations of type map[string]string"));
        }
    }

    @Test
    void aWatchIsConvertedOneEventAtATime() throws IOException {
        Collected collected = new Collected();
        ObjectNode stored = (ObjectNode) JSON.readTree(HPA_V2);
        stored.withObject("metadata").put("resourceVersion", "7");
        ObjectWatch oneEvent = new ObjectWatch() {
            private boolean sent;

            @Override
            public List<Event> next(long timeoutMillis) {
                if (sent) {
                    return null;
                }
                sent = true;
                return List.of(new Event(Event.ADDED, stored));
            }

            @Override
            public long lastRevision() {
                return 7;
            }

            @Override
            public void close() {
            }
        };
        ResourceType v2 = REGISTRY.find("autoscaling", "v2", "horizontalpodautoscalers").orElseThrow();

        served(collected).watch(new WatchStream(oneEvent, v2, null, false, System.currentTimeMillis() + 10_000,
                () -> false, JSON));

        String[] lines = collected.text().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(JSON.readTree(lines[0]).at("/object/apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(JSON.readTree(lines[0]).at("/object/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
    }

    /** asTable converts each row's object to the requested version, which kubectl get --sort-by reads. */
    @Test
    void theObjectsOfATablesRowsAreConvertedAlsoInAWatchEvent() throws IOException {
        String table = "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"columnDefinitions\":[],"
                + "\"rows\":[{\"cells\":[\"web\"],\"object\":" + HPA_V2 + "},{\"cells\":[\"x\"]}]}";
        for (String body : List.of(table, "{\"type\":\"ADDED\",\"object\":" + table + "}")) {
            Collected collected = new Collected();
            served(collected).send(200, "application/json", body.getBytes(StandardCharsets.UTF_8));

            JsonNode converted = JSON.readTree(collected.text());
            JsonNode rows = converted.has("type") ? converted.at("/object/rows") : converted.path("rows");
            assertThat(rows.at("/0/object/apiVersion").asText()).isEqualTo("autoscaling/v1");
            assertThat(rows.at("/0/object/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
            assertThat(rows.at("/0/cells/0").asText()).isEqualTo("web");
            assertThat(rows.get(1).has("object")).isFalse();
        }
    }
}
