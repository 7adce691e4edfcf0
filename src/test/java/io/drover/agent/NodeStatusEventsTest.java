package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.agent.NodeStatusReporter.NodeEvent;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import org.junit.jupiter.api.Test;

/** What the kubelet's status setters record on the Node as its status changes. */
class NodeStatusEventsTest {
    private static final NodeStatus WRITTEN = status("boot-2", "False", "False", "False", "True");

    private static NodeStatus status(String bootId, String memory, String disk, String pid, String ready) {
        NodeStatusBuilder status = new NodeStatusBuilder().withNewNodeInfo().withBootID(bootId).endNodeInfo();
        String[][] conditions = {{"MemoryPressure", memory}, {"DiskPressure", disk}, {"PIDPressure", pid},
                {"Ready", ready}};
        for (String[] condition : conditions) {
            if (condition[1] != null) {
                status.addNewCondition().withType(condition[0]).withStatus(condition[1]).endCondition();
            }
        }
        return status.build();
    }

    @Test
    void aNewNodeHasSufficientResourcesButIsNotToldReady() {
        assertThat(NodeStatusReporter.statusEvents("n", null, WRITTEN)).containsExactly(
                new NodeEvent("Normal", "NodeHasSufficientMemory", "Node n status is now: NodeHasSufficientMemory"),
                new NodeEvent("Normal", "NodeHasNoDiskPressure", "Node n status is now: NodeHasNoDiskPressure"),
                new NodeEvent("Normal", "NodeHasSufficientPID", "Node n status is now: NodeHasSufficientPID"));
    }

    @Test
    void anUnchangedStatusTellsNothing() {
        assertThat(NodeStatusReporter.statusEvents("n", WRITTEN, WRITTEN)).isEmpty();
    }

    @Test
    void aNodeBackFromUnknownIsToldReadyAndItsConditionsAgain() {
        NodeStatus unknown = status("boot-2", "Unknown", "False", "Unknown", "Unknown");

        assertThat(NodeStatusReporter.statusEvents("n", unknown, WRITTEN)).extracting(NodeEvent::reason)
                .containsExactly("NodeHasSufficientMemory", "NodeHasSufficientPID", "NodeReady");
    }

    @Test
    void anotherBootIdIsAReboot() {
        assertThat(NodeStatusReporter.statusEvents("n", status("boot-1", "False", "False", "False", "True"), WRITTEN))
                .containsExactly(new NodeEvent("Warning", "Rebooted", "Node n has been rebooted, boot id: boot-2"));
        // No boot id before (a Node registered by an older agent) is not a reboot.
        assertThat(NodeStatusReporter.statusEvents("n", status("", "False", "False", "False", "True"), WRITTEN))
                .isEmpty();
    }
}
