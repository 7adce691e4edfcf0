package io.drover.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PatchSchemaTest {
    @Test
    void deploymentTemplateNestsThePodSpecSchema() {
        PatchSchema container = PatchSchema.forKind("apps/v1", "Deployment")
                .child("spec").child("template").child("spec").child("containers");

        assertThat(container.list("env").mergeKey()).isEqualTo("name");
        assertThat(container.list("ports").mergeKey()).isEqualTo("containerPort");
        assertThat(container.list("volumeMounts").mergeKey()).isEqualTo("mountPath");
        assertThat(container.list("envFrom").merge()).isFalse();
        assertThat(container.list("resizePolicy").merge()).isFalse();
    }

    @Test
    void podSpecListsFollowTheStructTags() {
        PatchSchema spec = PatchSchema.forKind("v1", "Pod").child("spec");

        assertThat(spec.list("volumes").mergeKey()).isEqualTo("name");
        assertThat(spec.list("hostAliases").mergeKey()).isEqualTo("ip");
        assertThat(spec.list("imagePullSecrets").mergeKey()).isEqualTo("name");
        assertThat(spec.list("tolerations").merge()).isFalse();
    }

    @Test
    void metadataAndStatusConditionsOfBuiltInKinds() {
        for (String[] kind : new String[][] {{"v1", "Pod"}, {"apps/v1", "ReplicaSet"}, {"v1", "Node"},
                {"v1", "Namespace"}}) {
            PatchSchema schema = PatchSchema.forKind(kind[0], kind[1]);
            assertThat(schema.child("status").list("conditions").mergeKey()).as(kind[1]).isEqualTo("type");
            assertThat(schema.child("metadata").list("finalizers").merge()).isTrue();
            assertThat(schema.child("metadata").list("finalizers").mergeKey()).isNull();
            assertThat(schema.child("metadata").list("ownerReferences").mergeKey()).isEqualTo("uid");
        }
    }

    @Test
    void unknownKindHasNoMergeLists() {
        assertThat(PatchSchema.forKind("example.com/v1", "Widget")).isSameAs(PatchSchema.none());
        assertThat(PatchSchema.forKind("v1", "ConfigMap").child("data").list("x").merge()).isFalse();
    }

    @Test
    void publicAccessorsDescribeListsForServerSideApply() {
        PatchSchema spec = PatchSchema.forKind("apps/v1", "Deployment").field("spec");
        PatchSchema podSpec = spec.field("template").field("spec");

        assertThat(podSpec.listKeys("containers")).containsExactly("name");
        assertThat(podSpec.listKeys("tolerations")).isEmpty();
        // Server-side apply keys these by every +listMapKey; strategic merge patch by the first alone.
        assertThat(podSpec.listKeys("topologySpreadConstraints")).containsExactly("topologyKey", "whenUnsatisfiable");
        assertThat(podSpec.field("containers").listKeys("ports")).containsExactly("containerPort", "protocol");
        assertThat(podSpec.field("containers").keyDefault("ports", "protocol")).hasValueSatisfying(
                v -> assertThat(v.asText()).isEqualTo("TCP"));
        assertThat(PatchSchema.forKind("v1", "Service").field("spec").listKeys("ports")).containsExactly("port", "protocol");
        assertThat(spec.isAtomic("selector")).isTrue();
        assertThat(spec.isAtomic("template")).isFalse();
        assertThat(PatchSchema.forKind("v1", "Pod").field("metadata").isValueSet("finalizers")).isTrue();
    }
}
