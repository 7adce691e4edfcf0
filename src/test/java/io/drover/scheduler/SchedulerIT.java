package io.drover.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The scheduler against a real server: a fitting pod is bound, an oversized one is told why. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE = "scheduler-it-node";
    private TestCluster cluster;
    private KubernetesClient client;
    private String ns;

    @BeforeAll
    void start() throws Exception {
        cluster = TestCluster.start(options -> options.withNodeAgent(false)); // only the test's node
        client = cluster.client();
        ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("sched-")
                .endMetadata().build()).create().getMetadata().getName();
        Node node = client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
                .create();
        client.nodes().resource(new NodeBuilder(node).withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"),
                        "pods", new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .endStatus().build()).updateStatus();
    }

    @AfterAll
    void stop() {
        if (cluster == null) {
            return;
        }
        try {
            client.pods().inNamespace(ns).delete();
            client.namespaces().withName(ns).delete();
            client.nodes().withName(NODE).delete();
        } finally {
            cluster.close();
        }
    }

    private Pod createPod(String name, String cpu) {
        return client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withCommand("sleep", "3600").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("64Mi"))).endResources()
                .endContainer().endSpec().build()).create();
    }

    private Optional<PodCondition> podScheduled(String name) {
        Pod pod = client.pods().inNamespace(ns).withName(name).get();
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? Optional.empty()
                : pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst();
    }

    private Optional<Event> event(String pod, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .findFirst();
    }

    @Test
    void aPodThatFitsIsBoundToTheNode() {
        createPod("fits", "500m");

        await().atMost(WAIT).until(() -> podScheduled("fits").map(c -> "True".equals(c.getStatus())).orElse(false));
        assertThat(client.pods().inNamespace(ns).withName("fits").get().getSpec().getNodeName()).isEqualTo(NODE);
        await().atMost(WAIT).until(() -> event("fits", "Scheduled").isPresent());
        Event scheduled = event("fits", "Scheduled").orElseThrow();
        assertThat(scheduled.getType()).isEqualTo("Normal");
        assertThat(scheduled.getMessage()).isEqualTo("Successfully assigned " + ns + "/fits to " + NODE);
        assertThat(scheduled.getSource().getComponent()).isEqualTo("default-scheduler");
    }

    @Test
    void aPodThatFitsNowhereStaysPendingAndSaysWhy() {
        createPod("too-big", "100");

        await().atMost(WAIT).until(() -> podScheduled("too-big").isPresent());
        PodCondition condition = podScheduled("too-big").orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo("Unschedulable");
        assertThat(condition.getMessage()).isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
        assertThat(client.pods().inNamespace(ns).withName("too-big").get().getSpec().getNodeName()).isNullOrEmpty();

        await().atMost(WAIT).until(() -> event("too-big", "FailedScheduling").isPresent());
        Event failed = event("too-big", "FailedScheduling").orElseThrow();
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage()).isEqualTo(condition.getMessage());
        assertThat(failed.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(failed.getSource().getComponent()).isEqualTo("default-scheduler");
    }
}
