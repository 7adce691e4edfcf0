package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTaintsTest {
    private static final String NOW = "2026-12-02T16:00:00Z";

    private static Node node(String ready, boolean cordoned, Taint... taints) {
        return new NodeBuilder().withNewMetadata().withName("n").endMetadata().withNewSpec()
                .withUnschedulable(cordoned).withTaints(taints).endSpec().withNewStatus()
                .addToConditions(new NodeConditionBuilder().withType("Ready").withStatus(ready).build())
                .addToConditions(new NodeConditionBuilder().withType("DiskPressure").withStatus("True").build())
                .addToConditions(new NodeConditionBuilder().withType("PIDPressure").withStatus("False").build())
                .endStatus().build();
    }

    private static Taint taint(String key, String effect) {
        return new TaintBuilder().withKey(key).withEffect(effect).withTimeAdded("2026-12-01T00:00:00Z").build();
    }

    @Test
    void readyFalseIsNotReadyAndAPressureTrueItsNoScheduleTaint() {
        assertThat(ConditionTaints.desired(node("False", true))).containsExactlyInAnyOrder(
                "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute",
                "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule");
        assertThat(ConditionTaints.desired(node("True", false)))
                .containsExactly("node.kubernetes.io/disk-pressure:NoSchedule");
    }

    @Test
    void unknownSwapsNotReadyForUnreachableAndLeavesOtherTaintsAlone() {
        Node node = node("Unknown", false, taint("dedicated", "NoExecute"),
                taint(ConditionTaints.NOT_READY, "NoExecute"), taint(ConditionTaints.NOT_READY, "NoSchedule"),
                taint("node.kubernetes.io/disk-pressure", "NoSchedule"));

        List<Taint> taints = ConditionTaints.reconciled(node, NOW);

        assertThat(taints).extracting(t -> t.getKey() + ":" + t.getEffect() + "@" + t.getTimeAdded()).containsExactly(
                "dedicated:NoExecute@2026-12-01T00:00:00Z",
                "node.kubernetes.io/disk-pressure:NoSchedule@2026-12-01T00:00:00Z",
                "node.kubernetes.io/unreachable:NoSchedule@" + NOW,
                "node.kubernetes.io/unreachable:NoExecute@" + NOW);
    }

    @Test
    void aNodeInLineWithItsConditionsNeedsNoChange() {
        Node node = node("True", false, taint("node.kubernetes.io/disk-pressure", "NoSchedule"),
                taint("node.kubernetes.io/memory-pressure", "NoExecute"));
        assertThat(ConditionTaints.current(node)).isEqualTo(ConditionTaints.desired(node));
    }
}
