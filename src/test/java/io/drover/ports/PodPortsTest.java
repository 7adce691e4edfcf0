package io.drover.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PodPortsTest {
    private static Pod pod(String annotation) {
        return new PodBuilder().withNewMetadata().withName("web").addToAnnotations(annotation == null ? java.util.Map.of()
                        : java.util.Map.of(HostPortAnnotation.KEY, annotation)).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app")
                .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
                .addNewPort().withName("dns").withContainerPort(53).withProtocol("UDP").endPort()
                .endContainer()
                .addNewContainer().withName("sidecar")
                .addNewPort().withName("metrics").withContainerPort(9090).endPort()
                .addNewPort().withName("http-again").withContainerPort(8080).endPort()
                .endContainer()
                .endSpec().build();
    }

    @Test
    void theAnnotationReadsAsItIsWritten() {
        List<PortAssignment> assignments = List.of(new PortAssignment(8080, "TCP", "http", 20001),
                new PortAssignment(9090, "UDP", "", 20002));
        String value = HostPortAnnotation.format(assignments);
        assertThat(value).isEqualTo("http:8080/TCP=20001,9090/UDP=20002");
        assertThat(HostPortAnnotation.parse(value)).contains(assignments);
        assertThat(HostPortAnnotation.parse("")).contains(List.of());
        assertThat(HostPortAnnotation.parse("8080=20001")).isEmpty();
        assertThat(HostPortAnnotation.parse("8080/TCP=70000")).isEmpty();
        assertThat(HostPortAnnotation.parse(null)).isEmpty();
    }

    @Test
    void declaredPortsAreOnePerPortAndProtocolAcrossContainers() {
        assertThat(PodPorts.declared(pod(null))).containsExactly(
                new PodPorts.DeclaredPort("http", 8080, "TCP", 0), new PodPorts.DeclaredPort("dns", 53, "UDP", 0),
                new PodPorts.DeclaredPort("metrics", 9090, "TCP", 0));
    }

    @Test
    void serviceTargetPortsResolveByNameAndProtocolOrByNumber() {
        PodPorts ports = PodPorts.of(pod("http:8080/TCP=20001,dns:53/UDP=20002,metrics:9090/TCP=20003"));
        assertThat(ports.complete()).isTrue();
        assertThat(ports.forTarget(new IntOrString("http"), "TCP")).hasValue(20001);
        assertThat(ports.forTarget(new IntOrString("dns"), "UDP")).hasValue(20002);
        assertThat(ports.forTarget(new IntOrString("dns"), "TCP")).isEmpty();
        assertThat(ports.forTarget(new IntOrString("metrics"), null)).hasValue(20003);
        assertThat(ports.forTarget(new IntOrString(8080), "TCP")).hasValue(20001);
        assertThat(ports.forTarget(new IntOrString(7000), "TCP")).hasValue(7000); // undeclared: the process' own
        assertThat(ports.forTarget(new IntOrString("nope"), "TCP")).isEmpty();
    }

    @Test
    void probePortsResolveNamesInTheirOwnContainer() {
        Pod pod = pod("http:8080/TCP=20001,dns:53/UDP=20002,metrics:9090/TCP=20003");
        PodPorts ports = PodPorts.of(pod);
        Container app = pod.getSpec().getContainers().get(0);
        Container sidecar = pod.getSpec().getContainers().get(1);
        assertThat(ports.forProbe(app, new IntOrString("http"))).hasValue(20001);
        assertThat(ports.forProbe(app, new IntOrString("metrics"))).isEmpty();
        assertThat(ports.forProbe(sidecar, new IntOrString("metrics"))).hasValue(20003);
        assertThat(ports.forProbe(sidecar, new IntOrString("http-again"))).hasValue(20001);
        assertThat(ports.forProbe(app, new IntOrString(9090))).hasValue(20003);
    }

    @Test
    void aPodNotYetAllocatedHasNoHostPortsForItsDeclaredPorts() {
        PodPorts ports = PodPorts.of(pod(null));
        assertThat(ports.complete()).isFalse();
        assertThat(ports.forTarget(new IntOrString("http"), "TCP")).isEqualTo(OptionalInt.empty());
        assertThat(ports.forTarget(new IntOrString(8080), "TCP")).isEmpty();
        assertThat(ports.assigned(8080, "TCP")).isEmpty();
    }
}
