package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataOnlyStoreTest {

    private static GenericKubernetesResource configMap(String name, String uid, String resourceVersion) {
        return new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("ConfigMap")
                .withNewMetadata().withNamespace("default").withName(name).withUid(uid)
                .withResourceVersion(resourceVersion).addNewOwnerReference().withUid("owner").endOwnerReference()
                .endMetadata()
                .withAdditionalProperties(Map.of("data", Map.of("big", "x".repeat(10_000))))
                .build();
    }

    @Test
    void keepsOnlyTheMetadataThatAddressesAnObject() {
        MetadataOnlyStore store = new MetadataOnlyStore("v1", "ConfigMap");
        GenericKubernetesResource object = configMap("a", "uid-a", "7");
        String key = store.getKey(object);

        assertThat(key).isEqualTo("default/a");
        assertThat(store.put(key, object)).isNull();
        GenericKubernetesResource kept = store.get(key);

        assertThat(kept.getKind()).isEqualTo("ConfigMap");
        assertThat(kept.getApiVersion()).isEqualTo("v1");
        assertThat(kept.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(kept.getMetadata().getName()).isEqualTo("a");
        assertThat(kept.getMetadata().getUid()).isEqualTo("uid-a");
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(kept.getAdditionalProperties()).doesNotContainKey("data");
        assertThat(kept.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(store.isFullState()).isFalse();
    }

    @Test
    void putAndRemoveReturnWhatWasKeptBefore() {
        MetadataOnlyStore store = new MetadataOnlyStore("v1", "ConfigMap");
        store.put("default/a", configMap("a", "uid-a", "7"));

        assertThat(store.put("default/a", configMap("a", "uid-a", "8")).getMetadata().getResourceVersion())
                .isEqualTo("7");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.keySet()).containsExactly("default/a");
        assertThat(store.values()).extracting(o -> o.getMetadata().getResourceVersion()).containsExactly("8");
        assertThat(store.remove("default/a").getMetadata().getUid()).isEqualTo("uid-a");
        assertThat(store.get("default/a")).isNull();
        assertThat(store.remove("default/a")).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void handsObjectsBackWithItsTypesApiVersionAndKind() {
        MetadataOnlyStore store = new MetadataOnlyStore("apps/v1", "Deployment");
        GenericKubernetesResource partial = new GenericKubernetesResourceBuilder()
                .withApiVersion("meta.k8s.io/v1").withKind("PartialObjectMetadata")
                .withNewMetadata().withNamespace("default").withName("web").withUid("uid-w")
                .withResourceVersion("3").endMetadata()
                .build();
        store.put("default/web", partial);

        assertThat(store.get("default/web").getApiVersion()).isEqualTo("apps/v1");
        assertThat(store.get("default/web").getKind()).isEqualTo("Deployment");
        assertThat(store.get("default/web").getMetadata().getUid()).isEqualTo("uid-w");
    }
}
