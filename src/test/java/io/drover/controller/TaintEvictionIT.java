package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kubectl taint ... :NoExecute on a node with pods: the cluster's taint eviction controller deletes those that do not
 * tolerate it at once, those that tolerate it for tolerationSeconds when that ends, and leaves those that tolerate it
 * for ever; a taint taken away in time cancels the deletion. The nodes have no agent: a deleted pod stays Terminating.
 */
class TaintEvictionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private final KubernetesClient client = CLUSTER.client();
    private final List<String> nodes = new ArrayList<>();
    private String ns;

    @BeforeEach
    void namespace() {
        ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("taints-")
                .endMetadata().build()).create().getMetadata().getName();
    }

    @AfterEach
    void cleanUp() {
        client.pods().inNamespace(ns).withGracePeriod(0).delete();
        client.namespaces().withName(ns).delete();
        nodes.forEach(n -> client.nodes().withName(n).delete());
    }

    private String node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        nodes.add(name);
        return name;
    }

    /** A pod bound to {@code node}; {@code seconds} null tolerates dedicated=db:NoExecute for ever, negative not at all. */
    private void pod(String name, String node, Long seconds) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("c").endContainer().endSpec();
        if (seconds == null || seconds >= 0) {
            b.editSpec().addNewToleration().withKey("dedicated").withOperator("Equal").withValue("db")
                    .withEffect("NoExecute").withTolerationSeconds(seconds).endToleration().endSpec();
        }
        client.pods().inNamespace(ns).resource(b.build()).create();
    }

    private void taint(String node, boolean on) {
        client.nodes().withName(node).edit(n -> {
            if (n.getSpec() == null) {
                n.setSpec(new NodeSpec());
            }
            n.getSpec().setTaints(on ? List.of(new TaintBuilder().withKey("dedicated").withValue("db")
                    .withEffect("NoExecute").build()) : List.of());
            return n;
        });
    }

    private boolean terminating(String name) {
        Pod pod = client.pods().inNamespace(ns).withName(name).get();
        return pod == null || pod.getMetadata().getDeletionTimestamp() != null;
    }

    private boolean event(String pod, String message) {
        return client.v1().events().inNamespace(ns).list().getItems().stream().anyMatch(e ->
                pod.equals(e.getInvolvedObject().getName()) && "TaintManagerEviction".equals(e.getReason())
                        && "Normal".equals(e.getType()) && message.equals(e.getMessage())
                        && TaintEvictionController.COMPONENT.equals(e.getSource().getComponent()));
    }

    @Test
    void aNoExecuteTaintEvictsEachPodWhenItsTolerationEnds() {
        String node = node("taint-evicts");
        pod("plain", node, -1L);
        pod("brief", node, 3L);
        pod("forever", node, null);

        Instant tainted = Instant.now();
        taint(node, true);
        await().atMost(WAIT).until(() -> terminating("plain"));
        Pod plain = client.pods().inNamespace(ns).withName("plain").get();
        assertThat(plain.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("DisruptionTarget");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("DeletionByTaintManager");
            assertThat(c.getMessage()).isEqualTo("Taint manager: deleting due to NoExecute taint");
        });
        await().atMost(WAIT).until(() -> event("plain", "Marking for deletion Pod " + ns + "/plain"));

        // tolerationSeconds 3 counts from when the controller saw the taint, after it was written
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> terminating("brief"));
        assertThat(Duration.between(tainted, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3))
                .isLessThan(Duration.ofSeconds(10));
        assertThat(terminating("forever")).isFalse();

        // A pod bound to a node that already has the taint goes too.
        pod("late", node, -1L);
        await().atMost(WAIT).until(() -> terminating("late"));
        assertThat(terminating("forever")).isFalse();
    }

    @Test
    void aTaintTakenAwayInTimeCancelsTheEviction() {
        String node = node("taint-cancelled");
        pod("plain", node, -1L);
        pod("brief", node, 3L);

        taint(node, true);
        await().atMost(WAIT).until(() -> terminating("plain")); // the controller has seen the taint
        taint(node, false);
        await().atMost(WAIT).until(() -> event("brief", "Cancelling deletion of Pod " + ns + "/brief"));
        await().during(Duration.ofSeconds(5)).atMost(WAIT).until(() -> !terminating("brief"));
    }
}
