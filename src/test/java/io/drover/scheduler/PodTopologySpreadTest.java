package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.labelled;
import static io.drover.scheduler.Fixtures.labelledNode;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.snapshot;
import static io.drover.scheduler.Fixtures.taint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Topology spread constraints with whenUnsatisfiable DoNotSchedule (kube-scheduler's PodTopologySpread filter). */
class PodTopologySpreadTest {
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final String OK = "";

    /** A pod labelled app=web that spreads app=web pods over {@code key} with maxSkew 1, changed by {@code more}. */
    private static Pod spreading(String key, UnaryOperator<TopologySpreadConstraintBuilder> more) {
        var constraint = new TopologySpreadConstraintBuilder().withMaxSkew(1).withTopologyKey(key)
                .withWhenUnsatisfiable("DoNotSchedule").withNewLabelSelector().addToMatchLabels("app", "web")
                .endLabelSelector();
        return labelled(pod("new", null, null), "app", "web").editSpec()
                .addToTopologySpreadConstraints(more.apply(constraint).build()).endSpec().build();
    }

    private static Pod spreading(String key) {
        return spreading(key, c -> c);
    }

    private static Pod web(String name, String node) {
        return boundTo(labelled(pod(name, null, null), "app", "web"), node);
    }

    /** The reasons per node name, "" for a node that fits. */
    private static Map<String, String> verdicts(Pod pod, List<Node> nodes, Pod... bound) {
        ClusterSnapshot snapshot = snapshot(nodes, List.of(bound));
        PodInfo info = PodInfo.of(pod);
        Filter prepared = new PodTopologySpreadFilter().preparedFor(info, snapshot);
        Map<String, String> verdicts = new LinkedHashMap<>();
        snapshot.nodes().forEach(n -> verdicts.put(n.name(), String.join(",", prepared.reject(info, n, snapshot))));
        return verdicts;
    }

    @Test
    void skewIsTheDomainsCountPlusThePodMinusTheSmallestCount() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "2"));
        // zone 1 holds 2, zone 2 none: 2 + 1 - 0 > 1, 0 + 1 - 0 <= 1
        assertThat(verdicts(spreading(ZONE), zones, web("w1", "a"), web("w2", "a")))
                .containsExactly(Map.entry("a", PodTopologySpreadFilter.REASON), Map.entry("b", OK));
        // 1 and 1: 1 + 1 - 1 <= 1 everywhere
        assertThat(verdicts(spreading(ZONE), zones, web("w1", "a"), web("w2", "b")).values()).containsOnly(OK);
        // maxSkew 2 allows 2 + 1 - 0, not 3 + 1 - 0
        assertThat(verdicts(spreading(ZONE, c -> c.withMaxSkew(2)), zones, web("w1", "a"), web("w2", "a"), web("w3", "a")))
                .containsExactly(Map.entry("a", PodTopologySpreadFilter.REASON), Map.entry("b", OK));
        assertThat(verdicts(spreading(ZONE, c -> c.withMaxSkew(3)), zones, web("w1", "a"), web("w2", "a")).values())
                .containsOnly(OK);
    }

    @Test
    void threeNodesByHostname() {
        String host = "kubernetes.io/hostname";
        List<Node> hosts = List.of(labelledNode("a", host, "a"), labelledNode("b", host, "b"),
                labelledNode("c", host, "c"));
        assertThat(verdicts(spreading(host), hosts, web("w1", "a"), web("w2", "b")))
                .containsExactly(Map.entry("a", PodTopologySpreadFilter.REASON),
                        Map.entry("b", PodTopologySpreadFilter.REASON), Map.entry("c", OK));
        assertThat(verdicts(spreading(host), hosts, web("w1", "a"), web("w2", "b"), web("w3", "c")).values())
                .containsOnly(OK);
        // a zone spanning two nodes counts the pods of both
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "1"),
                labelledNode("c", ZONE, "2"));
        assertThat(verdicts(spreading(ZONE), zones, web("w1", "a"), web("w2", "c"), web("w3", "b")))
                .containsExactly(Map.entry("a", PodTopologySpreadFilter.REASON),
                        Map.entry("b", PodTopologySpreadFilter.REASON), Map.entry("c", OK));
    }

    @Test
    void aNodeWithoutTheTopologyKeyIsRejectedAndMakesNoDomain() {
        List<Node> nodes = List.of(labelledNode("a", ZONE, "1"), readyNode("b"));
        // b's pods would make the skew 1 + 1 - 0 if b were a domain of its own
        assertThat(verdicts(spreading(ZONE), nodes, web("w1", "a")))
                .containsExactly(Map.entry("a", OK), Map.entry("b", PodTopologySpreadFilter.MISSING_LABEL));
        assertThat(Scheduler.defaults().schedule(spreading(ZONE), snapshot(List.of(readyNode("b")), List.of())))
                .isEqualTo(new Placement.Unschedulable("0/1 nodes are available: 1 node(s) didn't match pod "
                        + "topology spread constraints (missing required label). preemption: 0/1 nodes are available: "
                        + "1 Preemption is not helpful for scheduling.."));
    }

    @Test
    void fewerDomainsThanMinDomainsMakeTheMinimumZero() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "2"));
        Pod[] bound = {web("w1", "a"), web("w2", "b")};
        assertThat(verdicts(spreading(ZONE), zones, bound).values()).containsOnly(OK);
        assertThat(verdicts(spreading(ZONE, c -> c.withMinDomains(2)), zones, bound).values()).containsOnly(OK);
        assertThat(verdicts(spreading(ZONE, c -> c.withMinDomains(3)), zones, bound).values())
                .containsOnly(PodTopologySpreadFilter.REASON);
    }

    @Test
    void onlyNodesMatchingTheNodeAffinityMakeDomainsUnlessPolicyIgnore() {
        List<Node> nodes = List.of(labelledNode("a", ZONE, "1", "disk", "ssd"), labelledNode("b", ZONE, "2"));
        Pod honor = new PodBuilder(spreading(ZONE)).editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        Pod ignore = new PodBuilder(spreading(ZONE, c -> c.withNodeAffinityPolicy("Ignore"))).editSpec()
                .addToNodeSelector("disk", "ssd").endSpec().build();
        // Honor: zone 2 is no domain, so zone 1's one pod is the minimum
        assertThat(verdicts(honor, nodes, web("w1", "a"))).containsEntry("a", OK);
        assertThat(verdicts(ignore, nodes, web("w1", "a"))).containsEntry("a", PodTopologySpreadFilter.REASON);
    }

    @Test
    void untoleratedTaintsRemoveDomainsOnlyWithPolicyHonor() {
        Node tainted = new NodeBuilder(labelledNode("b", ZONE, "2")).editSpec()
                .addToTaints(taint("gpu", "", "NoSchedule")).endSpec().build();
        List<Node> nodes = List.of(labelledNode("a", ZONE, "1"), tainted);
        assertThat(verdicts(spreading(ZONE), nodes, web("w1", "a"))).containsEntry("a", PodTopologySpreadFilter.REASON);
        assertThat(verdicts(spreading(ZONE, c -> c.withNodeTaintsPolicy("Honor")), nodes, web("w1", "a")))
                .containsEntry("a", OK);
    }

    @Test
    void countsOnlyMatchingLivePodsOfThePodsNamespace() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "2"));
        Pod otherNamespace = boundTo(labelled(pod("o", null, null), "app", "web").editMetadata()
                .withNamespace("other").endMetadata(), "a");
        Pod terminating = boundTo(labelled(pod("t", null, null), "app", "web").editMetadata()
                .withDeletionTimestamp("2025-01-01T00:00:00Z").endMetadata(), "a");
        Pod otherApp = boundTo(labelled(pod("x", null, null), "app", "db"), "a");
        assertThat(verdicts(spreading(ZONE), zones, web("w1", "a"), web("w2", "b"), otherNamespace, terminating, otherApp)
                .values())
                .containsOnly(OK);
    }

    @Test
    void aPodOutsideItsOwnSelectorAddsNothingToTheSkew() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "2"));
        Pod outsider = new PodBuilder(spreading(ZONE)).editMetadata().withLabels(Map.of("app", "other"))
                .endMetadata().build();
        // 1 + 0 - 0 <= 1; the same pod labelled app=web could not go to a
        assertThat(verdicts(outsider, zones, web("w1", "a")).values()).containsOnly(OK);
        assertThat(verdicts(spreading(ZONE), zones, web("w1", "a"), web("w2", "a")))
                .containsEntry("a", PodTopologySpreadFilter.REASON);
    }

    @Test
    void matchLabelKeysCountOnlyPodsWithThePodsOwnValues() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"), labelledNode("b", ZONE, "2"));
        Pod revision2 = new PodBuilder(spreading(ZONE, c -> c.withMatchLabelKeys("pod-template-hash")))
                .editMetadata().addToLabels("pod-template-hash", "v2").endMetadata().build();
        Pod oldA = boundTo(labelled(pod("old-a", null, null), "app", "web", "pod-template-hash", "v1"), "a");
        Pod oldA2 = boundTo(labelled(pod("old-a2", null, null), "app", "web", "pod-template-hash", "v1"), "a");
        assertThat(verdicts(revision2, zones, oldA, oldA2).values()).containsOnly(OK);
        Pod newA = boundTo(labelled(pod("new-a", null, null), "app", "web", "pod-template-hash", "v2"), "a");
        assertThat(verdicts(revision2, zones, oldA, newA)).containsEntry("a", PodTopologySpreadFilter.REASON)
                .containsEntry("b", OK);
    }

    @Test
    void scheduleAnywayConstraintsDoNotFilter() {
        List<Node> zones = List.of(labelledNode("a", ZONE, "1"));
        Pod anyway = spreading("missing", c -> c.withWhenUnsatisfiable("ScheduleAnyway"));
        assertThat(verdicts(anyway, zones).values()).containsOnly(OK);
    }
}
