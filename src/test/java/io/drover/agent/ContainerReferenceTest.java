package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class ContainerReferenceTest {
    private static final Pod POD = new PodBuilder().withNewMetadata().withNamespace("ns").withName("web")
            .withUid("uid-1").withResourceVersion("42").endMetadata()
            .withNewSpec().addNewInitContainer().withName("prep").endInitContainer()
            .addNewContainer().withName("app").endContainer()
            .addNewEphemeralContainer().withName("debugger").endEphemeralContainer().endSpec().build();

    @Test
    void namesTheContainerByTheListItIsIn() {
        assertThat(ContainerReference.fieldPath(POD, "app")).isEqualTo("spec.containers{app}");
        assertThat(ContainerReference.fieldPath(POD, "prep")).isEqualTo("spec.initContainers{prep}");
        assertThat(ContainerReference.fieldPath(POD, "debugger")).isEqualTo("spec.ephemeralContainers{debugger}");
    }

    @Test
    void aContainerTheSpecDoesNotNameIsImplicit() {
        assertThat(ContainerReference.fieldPath(POD, "gone")).isEqualTo("implicitly required container gone");
    }

    @Test
    void referencesThePodAsGetReferenceDoesWithTheFieldPath() {
        ObjectReference reference = ContainerReference.of(POD, "app");

        assertThat(reference.getApiVersion()).isEqualTo("v1");
        assertThat(reference.getKind()).isEqualTo("Pod");
        assertThat(reference.getNamespace()).isEqualTo("ns");
        assertThat(reference.getName()).isEqualTo("web");
        assertThat(reference.getUid()).isEqualTo("uid-1");
        assertThat(reference.getResourceVersion()).isEqualTo("42");
        assertThat(reference.getFieldPath()).isEqualTo("spec.containers{app}");
    }
}
