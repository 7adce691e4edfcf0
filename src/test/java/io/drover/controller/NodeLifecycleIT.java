package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.MutableClock;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose agent stops renewing its Lease: after the grace period its conditions are Unknown, it is tainted
 * unreachable, its pods are NotReady and evicted when their toleration of the taint ends; once its agent posts
 * Ready again the taints go. Driven with a clock of its own against a real server.
 */
class NodeLifecycleIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static Pod pod(String ns, String name, Long unreachableSeconds) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNodeName("ghost").addNewContainer().withName("c").withImage("c").endContainer().endSpec();
        if (unreachableSeconds != null) {
            b.editSpec().addNewToleration().withKey(ConditionTaints.UNREACHABLE).withOperator("Exists")
                    .withEffect("NoExecute").withTolerationSeconds(unreachableSeconds).endToleration().endSpec();
        }
        CLUSTER.client().pods().inNamespace(ns).resource(b.build()).create();
        // As its agent would report it running and ready (retried: other controllers write the new pod's status too).
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> CLUSTER.client().pods().inNamespace(ns)
                .withName(name).editStatus(p -> {
                    p.getStatus().setPhase("Running");
                    p.getStatus().getConditions().removeIf(c -> "Ready".equals(c.getType()));
                    p.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                            .withType("Ready").withStatus("True").build());
                    return p;
                }));
        return CLUSTER.client().pods().inNamespace(ns).withName(name).get();
    }

    private static String ready(Node node) {
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus).findFirst().orElse("");
    }

    private static List<String> taints(KubernetesClient client) {
        return taintsOf(client, "ghost");
    }

    /** kubectl cordon: the cluster's controller adds the unschedulable NoSchedule taint, and takes it away at uncordon. */
    @Test
    void aCordonedNodeCarriesTheUnschedulableTaint() {
        KubernetesClient client = CLUSTER.client();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("cordoned").endMetadata().withNewSpec()
                .withUnschedulable(true).endSpec().build()).create();
        try {
            await().atMost(WAIT).until(() -> taintsOf(client, "cordoned").contains("node.kubernetes.io/unschedulable:NoSchedule"));
            client.nodes().withName("cordoned").edit(n -> {
                n.getSpec().setUnschedulable(false);
                return n;
            });
            await().atMost(WAIT).until(() -> !taintsOf(client, "cordoned").contains("node.kubernetes.io/unschedulable:NoSchedule"));
        } finally {
            client.nodes().withName("cordoned").delete();
        }
    }

    /**
     * tryUpdateNodeHealth counts a new Ready heartbeat as a sign of life as well as a renewed Lease: an agent that
     * posted its status but has not yet renewed its Lease is not marked Unknown.
     */
    @Test
    void aNewReadyHeartbeatKeepsANodeAliveWithoutALeaseRenewal() throws Exception {
        KubernetesClient client = CLUSTER.client();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("beating").endMetadata().build()).create();
        postReady(client, "beating", "2026-12-02T10:00:00Z");
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        SharedIndexInformer<Lease> leases = client.resources(Lease.class).inNamespace("kube-node-lease")
                .runnableInformer(0);
        SharedIndexInformer<Pod> pods = client.pods().inNamespace("default").runnableInformer(0);
        try {
            for (SharedIndexInformer<?> informer : List.of(nodes, leases, pods)) {
                informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            MutableClock clock = new MutableClock(Instant.now());
            NodeLifecycleController controller = new NodeLifecycleController(client, nodes, leases, pods, clock);
            controller.reconcile("beating");
            clock.advance(NodeLifecycleController.GRACE.minusSeconds(1));
            postReady(client, "beating", "2026-12-02T10:00:39Z");
            await().atMost(WAIT).until(() -> nodes.getStore().getByKey("beating").getStatus().getConditions().get(0)
                    .getLastHeartbeatTime().equals("2026-12-02T10:00:39Z"));
            controller.reconcile("beating");
            clock.advance(Duration.ofSeconds(2));
            controller.reconcile("beating");
            assertThat(ready(client.nodes().withName("beating").get())).isEqualTo("True");

            clock.advance(NodeLifecycleController.GRACE);
            controller.reconcile("beating");
            await().atMost(WAIT).until(() -> ready(client.nodes().withName("beating").get()).equals("Unknown"));
        } finally {
            nodes.close();
            leases.close();
            pods.close();
            client.nodes().withName("beating").delete();
        }
    }

    private static void postReady(KubernetesClient client, String name, String heartbeat) {
        client.nodes().withName(name).editStatus(n -> {
            n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
            n.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                    .withType("Ready").withStatus("True").withReason("KubeletReady").withLastHeartbeatTime(heartbeat)
                    .withLastTransitionTime("2026-12-02T10:00:00Z").build()));
            return n;
        });
    }

    /**
     * A node that posts Ready False (its agent up but not ready) is tainted not-ready, NoSchedule and NoExecute, and a
     * pressure condition True gives its NoSchedule taint; Ready again, they go, and a taint of the admin's stays.
     */
    @Test
    void aNodeNotReadyOrUnderPressureIsTaintedByItsConditions() {
        KubernetesClient client = CLUSTER.client();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("troubled").endMetadata().withNewSpec()
                .addNewTaint().withKey("dedicated").withValue("db").withEffect("NoSchedule").endTaint().endSpec()
                .build()).create();
        try {
            postConditions(client, "troubled", "False", "True");
            await().atMost(WAIT).until(() -> taintsOf(client, "troubled").containsAll(List.of(
                    "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute",
                    "node.kubernetes.io/memory-pressure:NoSchedule", "dedicated:NoSchedule")));
            assertThat(client.nodes().withName("troubled").get().getSpec().getTaints())
                    .filteredOn(t -> t.getKey().startsWith("node.kubernetes.io/"))
                    .allSatisfy(t -> assertThat(t.getTimeAdded()).isNotNull());

            postConditions(client, "troubled", "True", "False");
            await().atMost(WAIT).until(() -> taintsOf(client, "troubled").equals(List.of("dedicated:NoSchedule")));
        } finally {
            client.nodes().withName("troubled").delete();
        }
    }

    private static void postConditions(KubernetesClient client, String name, String ready, String memoryPressure) {
        client.nodes().withName(name).editStatus(n -> {
            n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
            n.getStatus().setConditions(List.of(
                    new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready").withStatus(ready)
                            .withReason("KubeletNotReady").build(),
                    new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("MemoryPressure")
                            .withStatus(memoryPressure).withReason("KubeletHasInsufficientMemory").build()));
            return n;
        });
    }

    private static List<String> taintsOf(KubernetesClient client, String name) {
        Node node = client.nodes().withName(name).get();
        return node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints().stream()
                .map(t -> t.getKey() + ":" + t.getEffect()).toList();
    }

    @Test
    void aSilentNodeIsTaintedUnreachableAndItsPodsEvictedWhenTheirTolerationEnds() throws Exception {
        KubernetesClient client = CLUSTER.client();
        String ns = client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("lifecycle-")
                .endMetadata().build()).create().getMetadata().getName();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("ghost").endMetadata().build()).create();
        client.nodes().withName("ghost").editStatus(n -> {
            n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
            n.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                    .withType("Ready").withStatus("True").withReason("KubeletReady").build()));
            return n;
        });
        client.resources(Lease.class).inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata()
                .withName("ghost").endMetadata().withNewSpec().withHolderIdentity("ghost").withLeaseDurationSeconds(40)
                .withRenewTime(ZonedDateTime.now()).endSpec().build()).create();
        pod(ns, "brief", 5L);
        pod(ns, "patient", null); // DefaultTolerationSeconds: 300 s
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        SharedIndexInformer<Lease> leases = client.resources(Lease.class).inNamespace("kube-node-lease")
                .runnableInformer(0);
        SharedIndexInformer<Pod> pods = client.pods().inNamespace(ns).runnableInformer(0);
        try {
            for (SharedIndexInformer<?> informer : List.of(nodes, leases, pods)) {
                informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            MutableClock clock = new MutableClock(Instant.now());
            NodeLifecycleController controller = new NodeLifecycleController(client, nodes, leases, pods, clock);

            controller.reconcile("ghost"); // first seen: the grace period starts now
            clock.advance(NodeLifecycleController.GRACE.minusSeconds(1));
            controller.reconcile("ghost");
            assertThat(ready(client.nodes().withName("ghost").get())).isEqualTo("True");

            clock.advance(Duration.ofSeconds(2));
            controller.reconcile("ghost");
            await().atMost(WAIT).until(() -> ready(nodes.getStore().getByKey("ghost")).equals("Unknown"));
            assertThat(client.nodes().withName("ghost").get().getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getMessage()).isEqualTo("Kubelet stopped posting node status."));
            // As RecordNodeEvent and RecordNodeStatusChange tell them, in the default namespace.
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list()
                    .getItems()).filteredOn(e -> "ghost".equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason() + ": " + e.getMessage() + " (" + e.getSource().getComponent() + ")")
                    .contains("RegisteredNode: Node ghost event: Registered Node ghost in Controller (node-controller)",
                            "NodeNotReady: Node ghost status is now: NodeNotReady (node-controller)"));
            controller.reconcile("ghost");
            await().atMost(WAIT).until(() -> taints(client).containsAll(List.of(
                    "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute")));

            await().atMost(WAIT).until(() -> nodes.getStore().getByKey("ghost").getSpec().getTaints() != null);
            controller.reconcile("ghost");
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.pods().inNamespace(ns).withName("patient").get()
                    .getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("False");
                    }));
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .anySatisfy(e -> {
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("patient");
                        assertThat(e.getType() + " " + e.getReason() + ": " + e.getMessage())
                                .isEqualTo("Warning NodeNotReady: Node is not ready");
                    }));
            // The cluster's taint eviction controller deletes brief 5 s after it saw the taint: Terminating (no agent
            // finishes it), marked with the reason of its disruption, and told.
            await().atMost(WAIT).untilAsserted(() -> {
                Pod brief = client.pods().inNamespace(ns).withName("brief").get();
                assertThat(brief.getMetadata().getDeletionTimestamp()).isNotNull();
                assertThat(brief.getStatus().getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("DisruptionTarget");
                    assertThat(c.getStatus()).isEqualTo("True");
                    assertThat(c.getReason()).isEqualTo("DeletionByTaintManager");
                    assertThat(c.getMessage()).isEqualTo("Taint manager: deleting due to NoExecute taint");
                });
            });
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .anySatisfy(e -> {
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("brief");
                        assertThat(e.getType()).isEqualTo("Normal");
                        assertThat(e.getReason()).isEqualTo("TaintManagerEviction");
                        assertThat(e.getMessage()).isEqualTo("Marking for deletion Pod " + ns + "/brief");
                        assertThat(e.getSource().getComponent()).isEqualTo(TaintEvictionController.COMPONENT);
                    }));
            assertThat(client.pods().inNamespace(ns).withName("patient").get().getMetadata().getDeletionTimestamp())
                    .isNull();

            // Its agent back: the Lease renewed, Ready again, the taints go.
            client.resources(Lease.class).inNamespace("kube-node-lease").withName("ghost").edit(l -> {
                l.getSpec().setRenewTime(ZonedDateTime.now().plusSeconds(1));
                return l;
            });
            client.nodes().withName("ghost").editStatus(n -> {
                n.getStatus().getConditions().forEach(c -> c.setStatus(c.getType().equals("Ready") ? "True" : "False"));
                return n;
            });
            await().atMost(WAIT).until(() -> ready(nodes.getStore().getByKey("ghost")).equals("True")
                    && !leases.getStore().getByKey("kube-node-lease/ghost").getSpec().getRenewTime()
                            .isBefore(ZonedDateTime.now().minusSeconds(5)));
            controller.reconcile("ghost");
            await().atMost(WAIT).until(() -> taints(client).isEmpty());
        } finally {
            nodes.close();
            leases.close();
            pods.close();
            client.pods().inNamespace(ns).withGracePeriod(0).delete();
            client.resources(Lease.class).inNamespace("kube-node-lease").withName("ghost").delete();
            client.nodes().withName("ghost").delete();
        }
    }
}
