package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One object the scheduler cannot read (stored before the API refused it) is left out; the others are scheduled. */
class SnapshotReaderTest {
    private final SnapshotReader reader = new SnapshotReader();

    private static Node nodeWithNullTaint(String name) {
        Node node = readyNode(name);
        node.getSpec().setTaints(Arrays.asList((Taint) null));
        return node;
    }

    private static Pod podWithNullToleration(String name) {
        Pod pod = pod(name, "100m", null).build();
        pod.getSpec().setTolerations(Arrays.asList((Toleration) null));
        return pod;
    }

    /**
     * A node that cannot be read takes no pods; a pending pod that cannot be read is not placed; a bound one whose
     * placement rules cannot be read still holds its resources (here 3 of node b's CPUs), so the node is not
     * overcommitted.
     */
    @Test
    void aNodeOrPodThatCannotBeReadIsLeftOutAndTheRestIsScheduled() {
        Pod bad = podWithNullToleration("bad");
        Pod boundBad = boundTo(pod("bound-bad", "3", null), "b");
        boundBad.getSpec().setTolerations(Arrays.asList((Toleration) null));
        ClusterSnapshot snapshot = reader.snapshot(List.of(nodeWithNullTaint("a"), readyNode("b")),
                List.of(bad, boundBad, boundTo(pod("bound", "500m", null), "b")), List.of(), (pod, info) -> info);

        assertThat(snapshot.nodes()).extracting(NodeInfo::name).containsExactly("b");
        assertThat(snapshot.podsOn("b")).extracting(PodInfo::name).containsExactly("bound-bad", "bound");
        assertThat(snapshot.podsOn("b").get(0).requests()).isEqualTo(PodInfo.of(pod("x", "3", null).build()).requests());
        assertThat(Scheduler.defaults().schedule(pod("good", "100m", null).build(), snapshot))
                .isEqualTo(new Placement.Bound("b"));
        assertThat(reader.pod(bad)).isEmpty();
        assertThat(reader.pod(pod("good", "1", null).build())).isPresent();
    }

    @Test
    void assumedBindingsCountAgainstTheirNode() {
        ClusterSnapshot snapshot = reader.snapshot(List.of(readyNode("a")), List.of(pod("p", "1", null).build()), List.of(),
                (pod, info) -> info.withNodeName("a"));
        assertThat(snapshot.podsOn("a")).extracting(PodInfo::name).containsExactly("p");
    }
}
