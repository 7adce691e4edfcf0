package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

    @Test
    void aWatchIsConvertedOneEventAtATime() throws IOException {
        Collected collected = new Collected();
        OutputStream out = served(collected).stream(200, "application/json");

        out.write(("{\"type\":\"ADDED\",\"object\":" + HPA_V2 + "}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();

        String[] lines = collected.text().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(JSON.readTree(lines[0]).at("/object/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(60);
    }
}
