package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ScaleTest {
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode stored() throws Exception {
        return (ObjectNode) json.readTree("""
                {"metadata": {"name": "web", "uid": "u1", "resourceVersion": "7"}, "spec": {"replicas": 1}}""");
    }

    @Test
    void aScaleWithoutAResourceVersionIsAnUnconditionalUpdate() throws Exception {
        ObjectNode scaled = Scale.applyTo(stored(), json.readTree("""
                {"metadata": {"name": "web"}, "spec": {"replicas": 3}}"""));

        assertThat(scaled.at("/spec/replicas").asInt()).isEqualTo(3);
        // The stored version left in would be a precondition: a concurrent status write made it a 409.
        assertThat(scaled.path("metadata").has("resourceVersion")).isFalse();
    }

    @Test
    void aScalesResourceVersionAndUidArePreconditions() throws Exception {
        ObjectNode scaled = Scale.applyTo(stored(), json.readTree("""
                {"metadata": {"name": "web", "uid": "u2", "resourceVersion": "5"}, "spec": {"replicas": 2}}"""));

        assertThat(scaled.at("/metadata/resourceVersion").asText()).isEqualTo("5");
        assertThat(scaled.at("/metadata/uid").asText()).isEqualTo("u2");
    }
}
