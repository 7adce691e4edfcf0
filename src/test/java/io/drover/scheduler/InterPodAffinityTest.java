package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.labelled;
import static io.drover.scheduler.Fixtures.labelledNode;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.snapshot;
import static io.drover.scheduler.Fixtures.term;
import static io.drover.scheduler.Fixtures.withAffinity;
import static io.drover.scheduler.Fixtures.withAntiAffinity;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Required pod affinity and anti-affinity, the pod's own and the bound pods' (kube-scheduler's InterPodAffinity). */
class InterPodAffinityTest {
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final String HOST = "kubernetes.io/hostname";

    // a and b share zone 1, c is zone 2, d has no zone label
    private final List<Node> nodes = List.of(labelledNode("a", ZONE, "1", HOST, "a"),
            labelledNode("b", ZONE, "1", HOST, "b"), labelledNode("c", ZONE, "2", HOST, "c"),
            labelledNode("d", HOST, "d"));

    /** The reasons per node name, "" for a node that fits. */
    private Map<String, String> verdicts(Pod pod, Map<String, Map<String, String>> namespaces, Pod... bound) {
        ClusterSnapshot snapshot = ClusterSnapshot.of(nodes.stream().map(NodeInfo::of).toList(),
                List.of(bound).stream().map(PodInfo::of).toList(), namespaces);
        PodInfo info = PodInfo.of(pod);
        Filter prepared = new InterPodAffinityFilter().preparedFor(info, snapshot);
        Map<String, String> verdicts = new LinkedHashMap<>();
        snapshot.nodes().forEach(n -> verdicts.put(n.name(), String.join(",", prepared.reject(info, n, snapshot))));
        return verdicts;
    }

    private Map<String, String> verdicts(Pod pod, Pod... bound) {
        return verdicts(pod, Map.of(), bound);
    }

    private static Pod db(String node) {
        return boundTo(labelled(pod("db-" + node, null, null), "app", "db"), node);
    }

    @Test
    void affinityNeedsAMatchingPodInTheNodesDomain() {
        Pod web = withAffinity(pod("web", null, null), term(ZONE, "app", "db")).build();
        assertThat(verdicts(web, db("a"))).containsExactly(Map.entry("a", ""), Map.entry("b", ""),
                Map.entry("c", InterPodAffinityFilter.AFFINITY), Map.entry("d", InterPodAffinityFilter.AFFINITY));
        // a pod of another namespace, or with other labels, does not count
        Pod elsewhere = boundTo(labelled(pod("db", null, null), "app", "db").editMetadata().withNamespace("other")
                .endMetadata(), "c");
        Pod cache = boundTo(labelled(pod("cache", null, null), "app", "cache"), "c");
        assertThat(verdicts(web, db("a"), elsewhere, cache)).containsEntry("c", InterPodAffinityFilter.AFFINITY);
    }

    @Test
    void everyAffinityTermMustBeMetByOnePod() {
        Pod web = withAffinity(pod("web", null, null), term(ZONE, "app", "db"), term(HOST, "tier", "data")).build();
        Pod dbOnA = boundTo(labelled(pod("db", null, null), "app", "db", "tier", "data"), "a");
        assertThat(verdicts(web, dbOnA)).containsExactly(Map.entry("a", ""),
                Map.entry("b", InterPodAffinityFilter.AFFINITY), Map.entry("c", InterPodAffinityFilter.AFFINITY),
                Map.entry("d", InterPodAffinityFilter.AFFINITY));
        // two pods that each meet one term meet none: a pod is counted only when it matches all terms
        Pod data = boundTo(labelled(pod("data", null, null), "tier", "data"), "a");
        assertThat(verdicts(web, db("a"), data)).containsEntry("a", InterPodAffinityFilter.AFFINITY);
    }

    @Test
    void theFirstPodOfAGroupThatAttractsItselfMayGoToAnyNodeWithTheKey() {
        Pod first = withAffinity(labelled(pod("web-0", null, null), "app", "web"), term(ZONE, "app", "web")).build();
        assertThat(verdicts(first)).containsExactly(Map.entry("a", ""), Map.entry("b", ""), Map.entry("c", ""),
                Map.entry("d", InterPodAffinityFilter.AFFINITY));
        // once one exists, the next must join its domain
        Pod second = withAffinity(labelled(pod("web-1", null, null), "app", "web"), term(ZONE, "app", "web")).build();
        Pod firstBound = boundTo(labelled(pod("web-0", null, null), "app", "web"), "c");
        assertThat(verdicts(second, firstBound)).containsEntry("a", InterPodAffinityFilter.AFFINITY)
                .containsEntry("c", "");
        // a pod that does not match its own term is no first of anything
        Pod stranger = withAffinity(pod("stranger", null, null), term(ZONE, "app", "web")).build();
        assertThat(verdicts(stranger).values()).containsOnly(InterPodAffinityFilter.AFFINITY);
    }

    @Test
    void antiAffinityKeepsThePodOutOfDomainsWithAMatchingPod() {
        Pod web = withAntiAffinity(pod("web", null, null), term(ZONE, "app", "db")).build();
        assertThat(verdicts(web, db("a"))).containsExactly(Map.entry("a", InterPodAffinityFilter.ANTI_AFFINITY),
                Map.entry("b", InterPodAffinityFilter.ANTI_AFFINITY), Map.entry("c", ""), Map.entry("d", ""));
        assertThat(verdicts(web).values()).containsOnly("");
    }

    @Test
    void theAntiAffinityOfBoundPodsKeepsMatchingPodsAway() {
        Pod loner = withAntiAffinity(labelled(pod("loner", null, null), "app", "loner"), term(HOST, "app", "web"))
                .build();
        Pod web = labelled(pod("web", null, null), "app", "web").build();
        assertThat(verdicts(web, boundTo(new io.fabric8.kubernetes.api.model.PodBuilder(loner), "b")))
                .containsExactly(Map.entry("a", ""),
                        Map.entry("b", InterPodAffinityFilter.EXISTING_ANTI_AFFINITY), Map.entry("c", ""),
                        Map.entry("d", ""));
        assertThat(verdicts(pod("plain", null, null).build(),
                boundTo(new io.fabric8.kubernetes.api.model.PodBuilder(loner), "b")).values()).containsOnly("");
    }

    @Test
    void termsLookInTheirNamespacesOrThoseTheirSelectorMatches() {
        Pod dbInProd = boundTo(labelled(pod("db", null, null), "app", "db").editMetadata().withNamespace("prod")
                .endMetadata(), "c");
        Pod listed = withAffinity(pod("web", null, null), new PodAffinityTermBuilder(term(ZONE, "app", "db"))
                .withNamespaces("prod").build()).build();
        assertThat(verdicts(listed, dbInProd)).containsEntry("c", "").containsEntry("a",
                InterPodAffinityFilter.AFFINITY);

        PodAffinityTerm bySelector = new PodAffinityTermBuilder(term(ZONE, "app", "db")).withNewNamespaceSelector()
                .addToMatchLabels("env", "prod").endNamespaceSelector().build();
        Pod selecting = withAffinity(pod("web", null, null), bySelector).build();
        assertThat(verdicts(selecting, Map.of("prod", Map.of("env", "prod")), dbInProd)).containsEntry("c", "")
                .containsEntry("a", InterPodAffinityFilter.AFFINITY);
        assertThat(verdicts(selecting, Map.of("prod", Map.of("env", "test")), dbInProd).values())
                .containsOnly(InterPodAffinityFilter.AFFINITY);
    }

    @Test
    void aTermWithoutLabelSelectorSelectsNoPodAnEmptyOneEvery() {
        Pod none = withAntiAffinity(pod("web", null, null), new PodAffinityTermBuilder().withTopologyKey(HOST).build())
                .build();
        Pod all = withAntiAffinity(pod("web", null, null), new PodAffinityTermBuilder().withTopologyKey(HOST)
                .withNewLabelSelector().endLabelSelector().build()).build();
        assertThat(verdicts(none, db("a")).values()).containsOnly("");
        assertThat(verdicts(all, db("a"))).containsEntry("a", InterPodAffinityFilter.ANTI_AFFINITY)
                .containsEntry("b", "");
    }

    @Test
    void theSchedulerSaysWhichRuleFailed() {
        Pod web = withAffinity(pod("web", null, null), term(ZONE, "app", "db")).build();
        assertThat(Scheduler.defaults().schedule(web, snapshot(List.of(readyNode("x"), nodes.get(2)), List.of(db("a")))))
                .isEqualTo(new Placement.Unschedulable(
                        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. preemption: 0/2 nodes "
                                + "are available: 2 Preemption is not helpful for scheduling.."));
        assertThat(Scheduler.defaults().schedule(web, snapshot(nodes, List.of(db("a")))))
                .isEqualTo(new Placement.Bound("b"));
    }
}
