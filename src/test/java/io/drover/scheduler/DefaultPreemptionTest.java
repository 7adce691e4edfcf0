package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.node;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentence kube-scheduler's DefaultPreemption ends a FailedScheduling message with. */
class DefaultPreemptionTest {
    private final Scheduler scheduler = Scheduler.defaults();
    private final Node small = node("a", "4", "8Gi").build();

    private static Pod withPriority(Pod pod, int priority) {
        return new io.fabric8.kubernetes.api.model.PodBuilder(pod).editSpec().withPriority(priority).endSpec().build();
    }

    private String message(Pod pod, List<Node> nodes, Pod... bound) {
        return ((Placement.Unschedulable) scheduler.schedule(pod, snapshot(nodes, List.of(bound)))).message();
    }

    @Test
    void aPodThatMayNotPreemptIsNotEligible() {
        Pod never = new io.fabric8.kubernetes.api.model.PodBuilder(pod("p", "8", null).build()).editSpec()
                .withPreemptionPolicy("Never").endSpec().build();

        assertThat(message(never, List.of(small))).isEqualTo("0/1 nodes are available: 1 Insufficient cpu. "
                + "preemption: not eligible due to preemptionPolicy=Never..");
    }

    @Test
    void podsOfEqualOrHigherPriorityAreNoVictims() {
        Pod equal = boundTo(pod("other", "3", null), "a");

        assertThat(message(pod("p", "2", null).build(), List.of(small), equal)).isEqualTo("0/1 nodes are available: "
                + "1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for "
                + "incoming pod..");
    }

    @Test
    void aNodeThatStillRejectsThePodWithoutItsVictimsGivesItsReasons() {
        Pod low = boundTo(pod("low", "1", null), "a");
        Node cordoned = new NodeBuilder(node("b", "4", "8Gi").build()).editSpec().withUnschedulable(true).endSpec()
                .build();

        assertThat(message(withPriority(pod("p", "8", null).build(), 100), List.of(small, cordoned), low))
                .isEqualTo("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: "
                        + "0/2 nodes are available: 1 Insufficient cpu, 1 Preemption is not helpful for scheduling..");
    }

    @Test
    void whereEvictingVictimsWouldMakeRoomNothingIsSaidAndNothingIsEvicted() {
        Pod low = boundTo(pod("low", "3", null), "a");

        // kube would evict "low" and nominate the node; its message then has no preemption sentence.
        assertThat(message(withPriority(pod("p", "2", null).build(), 100), List.of(small), low))
                .isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
    }
}
