package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.node;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.replica;
import static io.drover.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorersTest {

    private static long score(Scorer scorer, Pod pod, Node node, Pod... onNode) {
        return scorer.score(PodInfo.of(pod), NodeInfo.of(node), snapshot(List.of(node), List.of(onNode)));
    }

    @Test
    void spreadCountsReplicasOfTheSameController() {
        Node node = readyNode("n1");
        Pod pod = replica("web-3", "rs-1").build();
        assertThat(score(new SpreadScorer(), pod, node)).isZero();
        assertThat(score(new SpreadScorer(), pod, node, boundTo(replica("web-1", "rs-1"), "n1"),
                boundTo(replica("web-2", "rs-1"), "n1"), boundTo(replica("db-1", "rs-2"), "n1"))).isEqualTo(-2);
    }

    @Test
    void spreadWithoutAControllerCountsPodsWithTheSameLabels() {
        Node node = readyNode("n1");
        Pod pod = pod("a", null, null).editMetadata().addToLabels("app", "web").endMetadata().build();
        Pod same = boundTo(pod("b", null, null).editMetadata().addToLabels("app", "web").endMetadata(), "n1");
        Pod other = boundTo(pod("c", null, null).editMetadata().addToLabels("app", "db").endMetadata(), "n1");
        Pod unlabeled = boundTo(pod("d", null, null), "n1");
        assertThat(score(new SpreadScorer(), pod, node, same, other, unlabeled)).isEqualTo(-1);
        assertThat(score(new SpreadScorer(), pod("e", null, null).build(), node, unlabeled)).isZero();
    }

    @Test
    void leastAllocatedPrefersTheEmptierNode() {
        Node node = node("n1", "2", "2Gi").build();
        Pod pod = pod("p", "1", "1Gi").build();
        assertThat(score(new LeastAllocatedScorer(), pod, node)).isEqualTo(50);
        assertThat(score(new LeastAllocatedScorer(), pod, node, boundTo(pod("q", "1", "1Gi"), "n1"))).isZero();
    }

    @Test
    void leastAllocatedCountsPodsWithoutRequestsAsSmallOnes() {
        Node node = node("n1", "1", "2000Mi").build();
        // 100m of 1000m and 200Mi of 2000Mi: 90% free of each.
        assertThat(score(new LeastAllocatedScorer(), pod("p", null, null).build(), node)).isEqualTo(90);
    }
}
