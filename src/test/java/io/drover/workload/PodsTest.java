package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import java.util.List;
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

    @Test
    void surplusPrefersUnscheduledThenPendingThenNotReadyThenNewest() {
        Pod scheduledRunningReadyOld = scheduled(pod("ready-old", "Running", true, "2024-01-01T00:00:00Z"));
        Pod scheduledRunningReadyNew = scheduled(pod("ready-new", "Running", true, "2024-01-02T00:00:00Z"));
        Pod scheduledRunningNotReady = scheduled(pod("not-ready", "Running", false, "2024-01-01T00:00:00Z"));
        Pod scheduledPending = scheduled(pod("pending", "Pending", false, "2024-01-01T00:00:00Z"));
        Pod unscheduled = pod("unscheduled", "Pending", false, "2024-01-01T00:00:00Z");
        List<Pod> all = List.of(scheduledRunningReadyOld, scheduledRunningReadyNew, scheduledRunningNotReady,
                scheduledPending, unscheduled);

        assertThat(Pods.surplus(all, 5)).extracting(p -> p.getMetadata().getName())
                .containsExactly("unscheduled", "pending", "not-ready", "ready-new", "ready-old");
        assertThat(Pods.surplus(all, 2)).extracting(p -> p.getMetadata().getName())
                .containsExactly("unscheduled", "pending");
    }

    @Test
    void amongEqualPodsTheNewestGoesFirst() {
        List<Pod> all = List.of(pod("old", "Pending", false, "2024-01-01T00:00:00Z"),
                pod("new", "Pending", false, "2024-01-03T00:00:00Z"), pod("mid", "Pending", false, "2024-01-02T00:00:00Z"));
        assertThat(Pods.surplus(all, 3)).extracting(p -> p.getMetadata().getName()).containsExactly("new", "mid", "old");
    }

    @Test
    void aLowerDeletionCostGoesFirstAmongPodsEquallyReady() {
        Pod cheapOld = costing(scheduled(pod("cheap-old", "Running", true, "2024-01-01T00:00:00Z")), "-5");
        Pod dearNew = costing(scheduled(pod("dear-new", "Running", true, "2024-01-03T00:00:00Z")), "1000");
        Pod plainNew = scheduled(pod("plain-new", "Running", true, "2024-01-02T00:00:00Z"));
        Pod unreadableNewest = costing(scheduled(pod("unreadable", "Running", true, "2024-01-04T00:00:00Z")), "+9");
        Pod notReadyDear = costing(scheduled(pod("not-ready", "Running", false, "2024-01-01T00:00:00Z")), "9999");

        assertThat(Pods.surplus(List.of(cheapOld, dearNew, plainNew, unreadableNewest, notReadyDear), 5))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("not-ready", "cheap-old", "unreadable", "plain-new", "dear-new");
    }

    private static Pod costing(Pod pod, String cost) {
        return new PodBuilder(pod).editMetadata().addToAnnotations(Pods.DELETION_COST, cost).endMetadata().build();
    }

    private static Pod scheduled(Pod pod) {
        return new PodBuilder(pod).editSpec().withNodeName("node-1").endSpec().build();
    }
}
