package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.json.Mappers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The in-process clients read JSON, YAML and watch events as fabric8 does. */
class ClientSerializationTest {
    private final ClientSerialization serialization = new ClientSerialization(Mappers.json());

    @Test
    void jsonFromMemoryIsReadAsTheKindItNames() {
        KubernetesResource read = serialization.unmarshal(
                "  \n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}");
        assertThat(read).isInstanceOf(Pod.class);
        assertThat(((Pod) read).getMetadata().getName()).isEqualTo("p");
    }

    @Test
    void yamlStillGoesThroughFabric8() {
        ConfigMap read = serialization.unmarshal("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
                ConfigMap.class);
        assertThat(read.getData()).containsEntry("k", "v");
    }

    @Test
    void watchEventsCarryTheirObject() {
        WatchEvent event = serialization.unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"meta.k8s.io/v1\","
                + "\"kind\":\"PartialObjectMetadata\",\"metadata\":{\"name\":\"x\",\"uid\":\"u\"}}}", WatchEvent.class);
        assertThat(event.getType()).isEqualTo("ADDED");
        assertThat(event.getObject()).isInstanceOf(GenericKubernetesResource.class);
        assertThat(((GenericKubernetesResource) event.getObject()).getMetadata().getUid()).isEqualTo("u");
    }

    @Test
    void otherStreamsAreReadAsBefore() {
        byte[] json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ConfigMap fromMemory = serialization.unmarshal(new ByteArrayInputStream(json), ConfigMap.class);
        ConfigMap fromStream = serialization.unmarshal(new BufferedInputStream(new ByteArrayInputStream(json)),
                ConfigMap.class);
        assertThat(fromMemory).isEqualTo(fromStream);
        assertThat(fromMemory.getMetadata().getName()).isEqualTo("c");
    }
}
