package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredEndpointsTest {

    private static Service service(boolean publishNotReady) {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", "web").withPublishNotReadyAddresses(publishNotReady)
                .addNewPort().withName("http").withPort(80).withProtocol("TCP").withTargetPort(new IntOrString("http"))
                .endPort().endSpec().build();
    }

    private static Pod pod(String name, int hostPort, boolean ready, boolean terminating) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
                .addToLabels("app", "web").addToAnnotations("drover.io/host-ports", "http:8080/TCP=" + hostPort)
                .endMetadata().withNewSpec().withNodeName("node1").addNewContainer().withName("c").addNewPort()
                .withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("192.168.1.5").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus();
        if (terminating) {
            b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
        }
        return b.build();
    }

    @Test
    void eachPodGetsASliceWithItsHostPortAndConditions() {
        List<PodEndpoint> backends = ServiceBackends.of(service(false), List.of(pod("b", 20002, false, false),
                pod("a", 20001, true, false), pod("c", 20003, true, true)), true);
        List<DesiredSlices.Slice> slices = DesiredSlices.of(service(false), backends);
        assertThat(slices).hasSize(3);
        assertThat(slices.get(0).ports().get(0).getPort()).isEqualTo(20001);
        assertThat(slices.get(0).ports().get(0).getName()).isEqualTo("http");
        Endpoint a = slices.get(0).endpoints().get(0);
        assertThat(a.getAddresses()).containsExactly("192.168.1.5");
        assertThat(a.getNodeName()).isEqualTo("node1");
        assertThat(a.getTargetRef().getName()).isEqualTo("a");
        assertThat(a.getConditions().getReady()).isTrue();
        Endpoint b = slices.get(1).endpoints().get(0);
        assertThat(b.getConditions().getReady()).isFalse();
        assertThat(b.getConditions().getServing()).isFalse();
        Endpoint c = slices.get(2).endpoints().get(0);
        assertThat(c.getConditions().getReady()).isFalse();
        assertThat(c.getConditions().getServing()).isTrue();
        assertThat(c.getConditions().getTerminating()).isTrue();
    }

    @Test
    void aServiceWithoutPodsGetsOneEmptySlice() {
        assertThat(DesiredSlices.of(service(false), List.of())).containsExactly(
                new DesiredSlices.Slice(List.of(), List.of()));
    }

    @Test
    void podsWithoutAnAllocatedPortOrAddressOrThatFinishedAreLeftOut() {
        Pod noPort = new PodBuilder(pod("a", 20001, true, false)).editMetadata().withAnnotations(null).endMetadata()
                .build();
        Pod noIp = new PodBuilder(pod("b", 20002, true, false)).editStatus().withPodIP(null).endStatus().build();
        Pod done = new PodBuilder(pod("c", 20003, true, false)).editStatus().withPhase("Succeeded").endStatus().build();
        Pod other = new PodBuilder(pod("d", 20004, true, false)).editMetadata().withLabels(null).endMetadata().build();
        List<PodEndpoint> backends = ServiceBackends.of(service(false), List.of(noPort, noIp, done, other), true);
        assertThat(backends).hasSize(1);
        assertThat(backends.get(0).ports()).isEmpty();
        assertThat(DesiredEndpoints.subsets(service(false), backends)).isEmpty();
    }

    @Test
    void endpointsSubsetsSplitReadyAndNotReadyAndGroupByPort() {
        List<Pod> pods = List.of(pod("a", 20001, true, false), pod("b", 20002, false, false),
                pod("c", 20003, true, true));
        List<EndpointSubset> subsets = DesiredEndpoints.subsets(service(false),
                ServiceBackends.of(service(false), pods, false));
        assertThat(subsets).hasSize(2);
        assertThat(subsets.get(0).getAddresses()).extracting(a -> a.getTargetRef().getName()).containsExactly("a");
        assertThat(subsets.get(0).getPorts().get(0).getPort()).isEqualTo(20001);
        assertThat(subsets.get(1).getAddresses()).isEmpty();
        assertThat(subsets.get(1).getNotReadyAddresses()).extracting(a -> a.getIp()).containsExactly("192.168.1.5");
    }

    @Test
    void publishNotReadyAddressesMakesEveryPodReady() {
        List<Pod> pods = List.of(pod("b", 20002, false, false), pod("c", 20003, false, true));
        List<PodEndpoint> backends = ServiceBackends.of(service(true), pods, true);
        // Ready for the Service's sake; serving still says what the pod is (podToEndpoint).
        assertThat(backends).allMatch(e -> e.ready() && !e.serving());
        List<EndpointSubset> subsets = DesiredEndpoints.subsets(service(true), ServiceBackends.of(service(true), pods, true));
        assertThat(subsets).allMatch(s -> s.getAddresses().size() == 1 && s.getNotReadyAddresses().isEmpty());
    }

    @Test
    void aPodWhoseSubdomainIsTheServiceCarriesItsHostnameInBothShapes() {
        Pod named = new PodBuilder(pod("a", 20001, true, false)).editSpec().withHostname("a-0").withSubdomain("web")
                .endSpec().build();
        Pod otherSubdomain = new PodBuilder(pod("b", 20002, true, false)).editSpec().withHostname("b-0")
                .withSubdomain("db").endSpec().build();
        Pod unscheduled = new PodBuilder(pod("c", 20003, true, false)).editSpec().withNodeName("").endSpec().build();
        List<PodEndpoint> backends = ServiceBackends.of(service(false), List.of(named, otherSubdomain, unscheduled), true);

        List<DesiredSlices.Slice> slices = DesiredSlices.of(service(false), backends);
        assertThat(slices.get(0).endpoints().get(0).getHostname()).isEqualTo("a-0");
        assertThat(slices.get(1).endpoints().get(0).getHostname()).isNull();
        assertThat(slices.get(2).endpoints().get(0).getNodeName()).isNull();
        assertThat(slices.get(2).endpoints().get(0).getTargetRef().getUid()).isEqualTo("uid-c");

        List<EndpointSubset> subsets = DesiredEndpoints.subsets(service(false), backends);
        assertThat(subsets.get(0).getAddresses().get(0).getHostname()).isEqualTo("a-0");
        assertThat(subsets.get(1).getAddresses().get(0).getHostname()).isNull();
        assertThat(subsets.get(2).getAddresses().get(0).getNodeName()).isNull();
        assertThat(subsets.get(2).getAddresses().get(0).getTargetRef().getKind()).isEqualTo("Pod");
    }

    @Test
    void aHeadlessServiceWithoutPortsListsEachPodInASubsetOfItsOwn() {
        Service headless = new ServiceBuilder(service(false)).editSpec().withPorts().withClusterIP("None").endSpec()
                .build();
        List<PodEndpoint> backends = ServiceBackends.of(headless, List.of(pod("a", 20001, true, false),
                pod("b", 20002, false, false)), true);

        List<EndpointSubset> subsets = DesiredEndpoints.subsets(headless, backends);

        assertThat(subsets).hasSize(2);
        assertThat(subsets).allSatisfy(s -> assertThat(s.getPorts()).isNullOrEmpty());
        assertThat(subsets).flatExtracting(EndpointSubset::getAddresses).extracting(a -> a.getTargetRef().getName())
                .containsExactly("a");
        assertThat(subsets).flatExtracting(EndpointSubset::getNotReadyAddresses)
                .extracting(a -> a.getTargetRef().getName()).containsExactly("b");
        // Not headless: a Service without ports has no endpoints to list.
        assertThat(DesiredEndpoints.subsets(new ServiceBuilder(headless).editSpec().withClusterIP("10.43.0.9").endSpec()
                .build(), backends)).isEmpty();
    }
}
