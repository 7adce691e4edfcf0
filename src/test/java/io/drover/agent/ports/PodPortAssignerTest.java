package io.drover.agent.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ports.HostPortAnnotation;
import io.drover.ports.PodPorts;
import io.drover.ports.PortAssignment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a restarted agent does with the annotations its pods carry; no API calls are needed for it. */
class PodPortAssignerTest {
    private final HostPortAllocator allocator = new HostPortAllocator(new PortRange(20000, 20001),
            (port, protocol) -> true, new Random(1));
    private final PodPortAssigner assigner = new PodPortAssigner(null, allocator); // null: a patch would fail

    private static Pod pod(String name, String uid, String phase, String annotation) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid(uid)
                .withAnnotations(annotation == null ? Map.of() : Map.of(HostPortAnnotation.KEY, annotation))
                .endMetadata().withNewSpec().addNewContainer().withName("main").addNewPort().withName("http")
                .withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    @Test
    void restoredPortsStayWithTheirPodsAndEndedPodsGiveTheirsUp() throws Exception {
        Pod running = pod("running", "u-1", "Running", "http:8080/TCP=20000");
        Pod ended = pod("ended", "u-2", "Succeeded", "http:8080/TCP=20001");
        assigner.restore(List.of(running, ended));

        assertThat(assigner.ensure(running)).containsExactly(new PortAssignment(8080, "TCP", "http", 20000));
        assertThat(allocator.assignmentsOf("u-2")).isEmpty();
        assertThat(allocator.allocate("u-3", PodPorts.declared(pod("new", "u-3", "Pending", null))))
                .extracting(PortAssignment::hostPort).containsExactly(20001);
    }

    @Test
    void aPodRecordedBeforeTheAgentStartedIsTakenBackOnItsFirstLook() throws Exception {
        Pod pod = pod("web", "u-1", "Running", "http:8080/TCP=20001");
        assertThat(assigner.ensure(pod)).extracting(PortAssignment::hostPort).containsExactly(20001);
        assigner.release("default/web");
        assertThat(allocator.assignmentsOf("u-1")).isEmpty();
    }

    @Test
    void aPodWithoutPortsHoldsNothing() throws Exception {
        Pod pod = new PodBuilder().withNewMetadata().withName("plain").withNamespace("default").withUid("u-9")
                .endMetadata().withNewSpec().addNewContainer().withName("main").endContainer().endSpec().build();
        assertThat(assigner.ensure(pod)).isEmpty();
    }
}
