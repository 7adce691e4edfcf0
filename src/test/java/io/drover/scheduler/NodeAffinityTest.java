package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.labelledNode;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.requirement;
import static io.drover.scheduler.Fixtures.requiringNode;
import static io.drover.scheduler.Fixtures.snapshot;
import static io.drover.scheduler.Fixtures.taint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Required node affinity filters (kube-scheduler's NodeAffinity), preferred node affinity scores. */
class NodeAffinityTest {
    private final Filter filter = new NodeAffinityFilter();

    private boolean fits(Pod pod, Node node) {
        List<String> reasons = filter.reject(PodInfo.of(pod), NodeInfo.of(node), snapshot(List.of(node), List.of()));
        assertThat(reasons).isIn(List.of(), List.of(NodeAffinityFilter.REASON));
        return reasons.isEmpty();
    }

    @Test
    void termsAreOredAndTheRequirementsOfATermAnded() {
        Pod pod = requiringNode(
                List.of(requirement("disk", "In", "ssd"), requirement("zone", "In", "a")),
                List.of(requirement("gpu", "Exists")));
        assertThat(fits(pod, labelledNode("n", "disk", "ssd", "zone", "a"))).isTrue();
        assertThat(fits(pod, labelledNode("n", "disk", "ssd", "zone", "b"))).isFalse();
        assertThat(fits(pod, labelledNode("n", "gpu", ""))).isTrue();
        assertThat(fits(pod, readyNode("n"))).isFalse();
    }

    @Test
    void operators() {
        Node node = labelledNode("n", "disk", "ssd", "cores", "8", "name", "x");
        assertThat(fits(requiringNode(List.of(requirement("disk", "In", "hdd", "ssd"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("disk", "In", "hdd"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("disk", "NotIn", "ssd"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("disk", "NotIn", "hdd"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("absent", "NotIn", "hdd"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("disk", "Exists"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("absent", "Exists"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("absent", "DoesNotExist"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("disk", "DoesNotExist"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("cores", "Gt", "4"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("cores", "Gt", "8"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("cores", "Lt", "16"))), node)).isTrue();
        assertThat(fits(requiringNode(List.of(requirement("cores", "Lt", "8"))), node)).isFalse();
        // Gt and Lt compare integers: a label that is not one, or a missing label, never matches.
        assertThat(fits(requiringNode(List.of(requirement("name", "Gt", "1"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("absent", "Lt", "1"))), node)).isFalse();
        assertThat(fits(requiringNode(List.of(requirement("disk", "Unknown", "ssd"))), node)).isFalse();
    }

    @Test
    void matchFieldsNameTheNode() {
        Pod onA = withFieldTerm(requirement("metadata.name", "In", "a"));
        Pod notOnA = withFieldTerm(requirement("metadata.name", "NotIn", "a"));
        assertThat(fits(onA, readyNode("a"))).isTrue();
        assertThat(fits(onA, readyNode("b"))).isFalse();
        assertThat(fits(notOnA, readyNode("a"))).isFalse();
        assertThat(fits(notOnA, readyNode("b"))).isTrue();
        assertThat(fits(withFieldTerm(requirement("metadata.uid", "NotIn", "a")), readyNode("b"))).isFalse();
    }

    @Test
    void aTermWithoutRequirementsOrNoTermsMatchNoNode() {
        Pod emptyTerm = pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelectorBuilder()
                        .addToNodeSelectorTerms(new NodeSelectorTermBuilder().build()).build())
                .endNodeAffinity().endAffinity().endSpec().build();
        Pod noTerms = pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelectorBuilder().build())
                .endNodeAffinity().endAffinity().endSpec().build();
        assertThat(fits(emptyTerm, labelledNode("n", "disk", "ssd"))).isFalse();
        assertThat(fits(noTerms, labelledNode("n", "disk", "ssd"))).isFalse();
        assertThat(fits(pod("p", null, null).build(), readyNode("n"))).isTrue();
    }

    @Test
    void nodeSelectorAndRequiredAffinityMustBothHold() {
        Pod pod = new PodBuilder(requiringNode(List.of(requirement("zone", "In", "a")))).editSpec()
                .addToNodeSelector("disk", "ssd").endSpec().build();
        assertThat(fits(pod, labelledNode("n", "disk", "ssd", "zone", "a"))).isTrue();
        assertThat(fits(pod, labelledNode("n", "zone", "a"))).isFalse();
        assertThat(fits(pod, labelledNode("n", "disk", "ssd"))).isFalse();
    }

    @Test
    void nodesTheTermsDoNotNameAreLeftOutBeforeAnyFilter() {
        Pod onB = withFieldTerm(requirement("metadata.name", "In", "b"));
        Node taintedB = new NodeBuilder(readyNode("b")).editSpec().addToTaints(taint("gpu", "", "NoSchedule"))
                .endSpec().build();
        Node cordonedA = new NodeBuilder(readyNode("a")).editSpec().withUnschedulable(true).endSpec().build();
        assertThat(Scheduler.defaults().schedule(onB, snapshot(List.of(cordonedA, taintedB, readyNode("c")),
                List.of()))).isEqualTo(new Placement.Unschedulable("0/3 nodes are available: 1 node(s) had "
                        + "untolerated taint {gpu: }, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: "
                        + "0/3 nodes are available: 3 Preemption is not helpful for scheduling.."));
        assertThat(Scheduler.defaults().schedule(onB, snapshot(List.of(readyNode("a"), readyNode("b")), List.of())))
                .isEqualTo(new Placement.Bound("b"));

        Pod conflicting = withFieldTerm(requirement("metadata.name", "In", "a"),
                requirement("metadata.name", "In", "b"));
        assertThat(Scheduler.defaults().schedule(conflicting, snapshot(List.of(readyNode("a"), readyNode("b")),
                List.of()))).isEqualTo(new Placement.Unschedulable(
                        "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: "
                                + "2 Preemption is not helpful for scheduling.."));
    }

    @Test
    void unsatisfiableAffinityIsReportedInKubeSchedulersWords() {
        Pod pod = requiringNode(List.of(requirement("disk", "In", "ssd")));
        assertThat(Scheduler.defaults().schedule(pod, snapshot(List.of(readyNode("a"), readyNode("b")), List.of())))
                .isEqualTo(new Placement.Unschedulable(
                        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: "
                                + "0/2 nodes are available: 2 Preemption is not helpful for scheduling.."));
    }

    @Test
    void theHeaviestMatchingPreferenceWins() {
        Pod pod = pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(10).withNewPreference()
                .withMatchExpressions(requirement("disk", "In", "ssd")).endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(20).withNewPreference()
                .withMatchExpressions(requirement("zone", "In", "b")).endPreference().endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().endSpec().build();
        List<Node> nodes = List.of(readyNode("a"), labelledNode("b", "disk", "ssd"), labelledNode("c", "zone", "b"),
                labelledNode("d", "disk", "ssd", "zone", "b"));
        assertThat(Scheduler.defaults().schedule(pod, snapshot(nodes, List.of()))).isEqualTo(new Placement.Bound("d"));
        assertThat(Scheduler.defaults().schedule(pod, snapshot(nodes.subList(0, 3), List.of())))
                .isEqualTo(new Placement.Bound("c"));
        // A preference only ranks: a pod whose preferences no node matches still goes somewhere.
        assertThat(Scheduler.defaults().schedule(pod, snapshot(List.of(readyNode("a")), List.of())))
                .isEqualTo(new Placement.Bound("a"));
    }

    private static Pod withFieldTerm(io.fabric8.kubernetes.api.model.NodeSelectorRequirement... fields) {
        return pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                .withMatchFields(fields).endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().endSpec().build();
    }
}
