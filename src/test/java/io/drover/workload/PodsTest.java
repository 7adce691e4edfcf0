package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PodsTest {
    static ReplicaSet replicaSet(int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName("web-5d9c8f7b6").withNamespace("ns")
                .withUid("rs-uid").withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").addToLabels("pod-template-hash", "5d9c8f7b6")
                .addToAnnotations("note", "x").addToFinalizers("example.com/keep").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    static Pod pod(String name, String phase, boolean ready, String created) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", "web")
                .withCreationTimestamp(created).endMetadata().withNewSpec().endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        if (ready) {
            b.editStatus().addNewCondition().withType("Ready").withStatus("True")
                    .withLastTransitionTime("2024-01-01T00:00:00Z").endCondition().endStatus();
        }
        return b.build();
    }

    @Test
    void podFromTemplateCarriesLabelsSpecAndAControllerReference() {
        Pod pod = Pods.fromTemplate(replicaSet(3));
        assertThat(pod.getMetadata().getName()).isNull();
        assertThat(pod.getMetadata().getGenerateName()).isEqualTo("web-5d9c8f7b6-");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web").containsEntry("pod-template-hash", "5d9c8f7b6");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("note", "x");
        assertThat(pod.getMetadata().getFinalizers()).containsExactly("example.com/keep");
        assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("nginx"));
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("apps/v1");
            assertThat(o.getKind()).isEqualTo("ReplicaSet");
            assertThat(o.getName()).isEqualTo("web-5d9c8f7b6");
            assertThat(o.getUid()).isEqualTo("rs-uid");
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });
    }

    @Test
    void podFromTemplateDoesNotShareTheTemplate() {
        ReplicaSet rs = replicaSet(1);
        Pod pod = Pods.fromTemplate(rs);
        pod.getMetadata().getLabels().put("mutated", "yes");
        pod.getSpec().getContainers().get(0).setImage("other");
        assertThat(rs.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("mutated");
        assertThat(rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx");
    }

    @Test
    void failedSucceededAndTerminatingPodsAreNotActive() {
        assertThat(Pods.isActive(pod("a", "Pending", false, null))).isTrue();
        assertThat(Pods.isActive(pod("a", "Running", true, null))).isTrue();
        assertThat(Pods.isActive(pod("a", "Failed", false, null))).isFalse();
        assertThat(Pods.isActive(pod("a", "Succeeded", false, null))).isFalse();
        Pod terminating = new PodBuilder(pod("a", "Running", true, null)).editMetadata()
                .withDeletionTimestamp("2024-01-01T00:00:00Z").endMetadata().build();
        assertThat(Pods.isActive(terminating)).isFalse();
    }

    @Test
    void availabilityWaitsForMinReadySeconds() {
        Pod ready = pod("a", "Running", true, null);
        Instant readySince = Instant.parse("2024-01-01T00:00:00Z");
        assertThat(Pods.isAvailable(ready, 0, readySince)).isTrue();
        assertThat(Pods.isAvailable(ready, 10, readySince.plusSeconds(5))).isFalse();
        assertThat(Pods.isAvailable(ready, 10, readySince.plusSeconds(11))).isTrue();
        assertThat(Pods.isAvailable(pod("b", "Running", false, null), 0, readySince)).isFalse();
    }
}
