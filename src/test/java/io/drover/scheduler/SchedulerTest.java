package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.labelled;
import static io.drover.scheduler.Fixtures.labelledNode;
import static io.drover.scheduler.Fixtures.node;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.replica;
import static io.drover.scheduler.Fixtures.snapshot;
import static io.drover.scheduler.Fixtures.taint;
import static io.drover.scheduler.Fixtures.term;
import static io.drover.scheduler.Fixtures.toleration;
import static io.drover.scheduler.Fixtures.withAffinity;
import static io.drover.scheduler.Fixtures.withAntiAffinity;
import static io.drover.scheduler.Fixtures.withHostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private final Scheduler scheduler = Scheduler.defaults();

    private Placement schedule(Pod pod, List<Node> nodes, Pod... pods) {
        return scheduler.schedule(pod, snapshot(nodes, List.of(pods)));
    }

    @Test
    void aPodThatFitsNowhereIsToldWhyInKubeSchedulersWords() {
        assertThat(schedule(pod("big", "100", null).build(), List.of(readyNode("n1"))))
                .isEqualTo(new Placement.Unschedulable("0/1 nodes are available: 1 Insufficient cpu. preemption: "
                        + "0/1 nodes are available: 1 No preemption victims found for incoming pod.."));
    }

    @Test
    void reasonsOfAllNodesAreCountedAndSorted() {
        Node small = node("a", "4", "1Gi").editMetadata().addToLabels("disk", "ssd").endMetadata().build();
        Node labelled = new NodeBuilder(readyNode("b")).editMetadata().addToLabels("disk", "hdd").endMetadata()
                .build();
        Node other = readyNode("c");
        Pod pod = pod("p", "1", "2Gi").editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        assertThat(schedule(pod, List.of(small, labelled, other))).isEqualTo(new Placement.Unschedulable(
                "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector. "
                        + "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
                        + "2 Preemption is not helpful for scheduling.."));

        Pod anywhere = pod("p", "1", "2Gi").build();
        Node cordoned = new NodeBuilder(readyNode("d")).editSpec().withUnschedulable(true).endSpec().build();
        Node tainted = new NodeBuilder(readyNode("e")).editSpec().addToTaints(taint("gpu", "", "NoSchedule"))
                .endSpec().build();
        Node busy = node("f", "1", "1Gi").build();
        assertThat(schedule(anywhere, List.of(small, cordoned, tainted, busy))).isEqualTo(new Placement.Unschedulable(
                "0/4 nodes are available: 1 node(s) had untolerated taint {gpu: }, 1 node(s) were unschedulable, "
                        + "2 Insufficient memory. preemption: 0/4 nodes are available: 2 No preemption victims found "
                        + "for incoming pod, 2 Preemption is not helpful for scheduling.."));
    }

    @Test
    void noNodesAtAll() {
        assertThat(schedule(pod("p", null, null).build(), List.of()))
                .isEqualTo(new Placement.Unschedulable("no nodes available to schedule pods"));
    }

    @Test
    void skipsCordonedAndNotReadyNodes() {
        Node cordoned = new NodeBuilder(readyNode("a")).editSpec().withUnschedulable(true).endSpec().build();
        Node notReady = node("b", "4", "8Gi").editStatus().editFirstCondition().withStatus("False").endCondition()
                .endStatus().build();
        Node ready = readyNode("c");
        assertThat(schedule(pod("p", "1", "1Gi").build(), List.of(cordoned, notReady, ready)))
                .isEqualTo(new Placement.Bound("c"));
        assertThat(schedule(pod("p", "1", "1Gi").build(), List.of(cordoned, notReady)))
                .isEqualTo(new Placement.Unschedulable("0/2 nodes are available: 1 node(s) had untolerated taint "
                        + "{node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/2 nodes are "
                        + "available: 2 Preemption is not helpful for scheduling.."));
    }

    @Test
    void taintedNodesTakeOnlyTolerantPods() {
        Node gpu = new NodeBuilder(readyNode("a")).editSpec().addToTaints(taint("gpu", "true", "NoSchedule"))
                .endSpec().build();
        Node plain = node("b", "1", "1Gi").build();
        Pod pod = pod("p", "2", null).build();
        assertThat(schedule(pod, List.of(gpu, plain))).isInstanceOf(Placement.Unschedulable.class);
        Pod tolerant = pod("p", "2", null).editSpec().addToTolerations(toleration("gpu", "Equal", "true", ""))
                .endSpec().build();
        assertThat(schedule(tolerant, List.of(gpu, plain))).isEqualTo(new Placement.Bound("a"));
    }

    /** TaintToleration's score: a soft taint sends a pod elsewhere while another node will do, unless tolerated. */
    @Test
    void aPreferNoScheduleTaintKeepsPodsAwayWhileAnotherNodeWillDo() {
        Node soft = new NodeBuilder(node("a", "8", "8Gi").build()).editSpec()
                .addToTaints(taint("batch", "", "PreferNoSchedule")).endSpec().build();
        Node busy = node("b", "2", "2Gi").build();
        Pod pod = pod("p", "1", null).build();
        assertThat(schedule(pod, List.of(soft, busy))).isEqualTo(new Placement.Bound("b"));
        assertThat(schedule(pod("q", "4", null).build(), List.of(soft, busy))).isEqualTo(new Placement.Bound("a"));
        Pod tolerant = pod("p", "1", null).editSpec().addToTolerations(toleration("batch", "Exists", null, ""))
                .endSpec().build();
        assertThat(schedule(tolerant, List.of(soft, busy))).isEqualTo(new Placement.Bound("a"));
    }

    @Test
    void nodeSelectorPicksTheLabelledNode() {
        Node ssd = new NodeBuilder(readyNode("z")).editMetadata().addToLabels("disk", "ssd").endMetadata().build();
        Pod pod = pod("p", null, null).editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        assertThat(schedule(pod, List.of(readyNode("a"), ssd))).isEqualTo(new Placement.Bound("z"));
    }

    @Test
    void aHostPortInUseSendsThePodElsewhere() {
        Pod used = boundTo(withHostPort(pod("a", null, null), 80), "n1");
        Pod pod = withHostPort(pod("b", null, null), 80).build();
        assertThat(schedule(pod, List.of(readyNode("n1"), readyNode("n2")), used))
                .isEqualTo(new Placement.Bound("n2"));
        assertThat(schedule(pod, List.of(readyNode("n1")), used)).isEqualTo(new Placement.Unschedulable(
                "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: "
                        + "0/1 nodes are available: 1 No preemption victims found for incoming pod.."));
    }

    @Test
    void spreadsThreeReplicasOverThreeNodes() {
        List<Node> nodes = List.of(readyNode("n1"), readyNode("n2"), readyNode("n3"));
        List<Pod> placed = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Pod pod = replica("web-" + i, "rs-1").build();
            Placement placement = scheduler.schedule(pod, snapshot(nodes, placed));
            String node = ((Placement.Bound) placement).nodeName();
            chosen.add(node);
            placed.add(boundTo(replica("web-" + i, "rs-1"), node));
        }
        assertThat(chosen).containsExactlyInAnyOrder("n1", "n2", "n3");
    }

    @Test
    void spreadingWinsOverLoad() {
        // n1 is emptier, but already runs a replica of the same owner.
        Node n1 = node("n1", "8", "16Gi").build();
        Node n2 = node("n2", "2", "2Gi").build();
        Pod replica = boundTo(replica("web-0", "rs-1"), "n1");
        assertThat(schedule(replica("web-1", "rs-1").build(), List.of(n1, n2), replica))
                .isEqualTo(new Placement.Bound("n2"));
    }

    @Test
    void prefersTheLeastAllocatedNodeThenTheFirstName() {
        Pod load = boundTo(pod("load", "2", "4Gi"), "a");
        assertThat(schedule(pod("p", "1", "1Gi").build(), List.of(readyNode("a"), readyNode("b")), load))
                .isEqualTo(new Placement.Bound("b"));
        assertThat(schedule(pod("p", "1", "1Gi").build(), List.of(readyNode("c"), readyNode("b"))))
                .isEqualTo(new Placement.Bound("b"));
    }

    @Test
    void aPodWithSchedulingGatesIsNotPlacedUntilTheyAreRemoved() {
        Pod gated = pod("p", null, null).editSpec().addNewSchedulingGate().withName("example.com/quota")
                .endSchedulingGate().endSpec().build();
        assertThat(schedule(gated, List.of(readyNode("a"))))
                .isEqualTo(new Placement.Gated(List.of("example.com/quota")));
        assertThat(schedule(gated, List.of())).isEqualTo(new Placement.Gated(List.of("example.com/quota")));
        Pod ungated = new PodBuilder(gated).editSpec().withSchedulingGates().endSpec().build();
        assertThat(schedule(ungated, List.of(readyNode("a")))).isEqualTo(new Placement.Bound("a"));
    }

    @Test
    void requiredConstraintsCombine() {
        // web must share a zone with db and stay off hosts running web
        String zone = "topology.kubernetes.io/zone";
        String host = "kubernetes.io/hostname";
        List<Node> nodes = List.of(labelledNode("a", zone, "1", host, "a"), labelledNode("b", zone, "1", host, "b"),
                labelledNode("c", zone, "2", host, "c"));
        Pod db = boundTo(labelled(pod("db", null, null), "app", "db"), "b");
        List<Pod> placed = new ArrayList<>(List.of(db));
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Pod web = withAntiAffinity(withAffinity(labelled(pod("web-" + i, null, null), "app", "web"),
                    term(zone, "app", "db")), term(host, "app", "web")).build();
            Placement placement = scheduler.schedule(web, snapshot(nodes, placed));
            if (placement instanceof Placement.Bound(String node)) {
                chosen.add(node);
                placed.add(boundTo(labelled(pod("web-" + i, null, null), "app", "web"), node));
            } else {
                chosen.add(((Placement.Unschedulable) placement).message());
            }
        }
        assertThat(chosen).containsExactly("a", "b", "0/3 nodes are available: 1 node(s) didn't match pod affinity "
                + "rules, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: "
                + "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..");
    }
}
