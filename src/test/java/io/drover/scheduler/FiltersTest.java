package io.drover.scheduler;

import static io.drover.scheduler.Fixtures.boundTo;
import static io.drover.scheduler.Fixtures.node;
import static io.drover.scheduler.Fixtures.pod;
import static io.drover.scheduler.Fixtures.readyNode;
import static io.drover.scheduler.Fixtures.snapshot;
import static io.drover.scheduler.Fixtures.taint;
import static io.drover.scheduler.Fixtures.toleration;
import static io.drover.scheduler.Fixtures.withHostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiltersTest {

    private static List<String> reject(Filter filter, Pod pod, Node node, Pod... onNode) {
        ClusterSnapshot snapshot = snapshot(List.of(node), List.of(onNode));
        return filter.reject(PodInfo.of(pod), NodeInfo.of(node), snapshot);
    }

    @Test
    void resourcesFitCountsExtendedResourcesAndHugepagesANodeWithoutThemLacks() {
        Node plain = node("n1", "4", "8Gi").build();
        Pod gpu = withRequests(pod("gpu", "100m", "64Mi"), Map.of("example.com/foo", "1", "hugepages-2Mi", "2Mi"));
        assertThat(reject(new ResourcesFitFilter(), gpu, plain))
                .containsExactlyInAnyOrder("Insufficient example.com/foo", "Insufficient hugepages-2Mi");

        Node dongles = node("n1", "4", "8Gi").editStatus().addToAllocatable("example.com/foo", new Quantity("2"))
                .addToAllocatable("hugepages-2Mi", new Quantity("4Mi")).endStatus().build();
        assertThat(reject(new ResourcesFitFilter(), gpu, dongles)).isEmpty();
        Pod holder = boundTo(new PodBuilder(withRequests(pod("holder", "100m", "64Mi"),
                Map.of("example.com/foo", "2"))), "n1");
        assertThat(reject(new ResourcesFitFilter(), gpu, dongles, holder)).containsExactly("Insufficient example.com/foo");
    }

    private static Pod withRequests(PodBuilder pod, Map<String, String> more) {
        Pod built = pod.build();
        more.forEach((name, amount) -> built.getSpec().getContainers().get(0).getResources().getRequests()
                .put(name, new Quantity(amount)));
        return built;
    }

    @Test
    void resourcesFitCountsWhatBoundPodsRequest() {
        Node node = node("n1", "1", "1Gi").build();
        Pod running = boundTo(pod("a", "700m", "512Mi"), "n1");
        assertThat(reject(new ResourcesFitFilter(), pod("b", "300m", "512Mi").build(), node, running)).isEmpty();
        assertThat(reject(new ResourcesFitFilter(), pod("b", "301m", "513Mi").build(), node, running))
                .containsExactly("Insufficient cpu", "Insufficient memory");
    }

    @Test
    void finishedPodsHoldNoResources() {
        Node node = node("n1", "1", "1Gi").build();
        Pod done = new PodBuilder(boundTo(pod("a", "1", "1Gi"), "n1")).withNewStatus().withPhase("Succeeded")
                .endStatus().build();
        assertThat(reject(new ResourcesFitFilter(), pod("b", "1", "1Gi").build(), node, done)).isEmpty();
    }

    @Test
    void resourcesFitCountsPods() {
        Node node = new NodeBuilder(node("n1", "4", "4Gi").build()).editStatus()
                .addToAllocatable("pods", new Quantity("1")).endStatus().build();
        assertThat(reject(new ResourcesFitFilter(), pod("b", null, null).build(), node,
                boundTo(pod("a", null, null), "n1"))).containsExactly("Too many pods");
    }

    @Test
    void aPodWithoutRequestsFitsAFullNode() {
        Node node = node("n1", "1", "1Gi").build();
        assertThat(reject(new ResourcesFitFilter(), pod("b", null, null).build(), node,
                boundTo(pod("a", "1", "1Gi"), "n1"))).isEmpty();
    }

    @Test
    void hostPortsConflictOnSamePortAndProtocol() {
        Node node = readyNode("n1");
        Pod used = boundTo(withHostPort(pod("a", null, null), 8080), "n1");
        assertThat(reject(new HostPortsFilter(), withHostPort(pod("b", null, null), 8080).build(), node, used))
                .containsExactly(HostPortsFilter.REASON);
        assertThat(reject(new HostPortsFilter(), withHostPort(pod("b", null, null), 8081).build(), node, used))
                .isEmpty();
        Pod udp = withHostPort(pod("b", null, null), 8080).editSpec().editFirstContainer().editFirstPort()
                .withProtocol("UDP").endPort().endContainer().endSpec().build();
        assertThat(reject(new HostPortsFilter(), udp, node, used)).isEmpty();
    }

    @Test
    void containerPortsWithoutHostPortNeverConflict() {
        Node node = readyNode("n1");
        Pod a = pod("a", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).endPort()
                .endContainer().endSpec().build();
        Pod b = pod("b", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).endPort()
                .endContainer().endSpec().build();
        assertThat(reject(new HostPortsFilter(), b, node, new PodBuilder(a).editSpec().withNodeName("n1").endSpec()
                .build())).isEmpty();
    }

    @Test
    void nodeSelectorNeedsEveryLabel() {
        Node node = new NodeBuilder(readyNode("n1")).editMetadata().addToLabels(Map.of("disk", "ssd", "zone", "a"))
                .endMetadata().build();
        Pod ssd = pod("p", null, null).editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        Pod hdd = pod("p", null, null).editSpec().addToNodeSelector(Map.of("disk", "ssd", "zone", "b")).endSpec()
                .build();
        assertThat(reject(new NodeAffinityFilter(), ssd, node)).isEmpty();
        assertThat(reject(new NodeAffinityFilter(), hdd, node)).containsExactly(NodeAffinityFilter.REASON);
    }

    @Test
    void noScheduleAndNoExecuteTaintsNeedATolerationPreferNoScheduleDoesNot() {
        Node node = new NodeBuilder(readyNode("n1")).editSpec()
                .addToTaints(taint("soft", "", "PreferNoSchedule"), taint("gpu", "true", "NoSchedule")).endSpec()
                .build();
        Pod plain = pod("p", null, null).build();
        assertThat(reject(new TaintTolerationFilter(), plain, node))
                .containsExactly("node(s) had untolerated taint {gpu: true}");
        assertThat(reject(new TaintTolerationFilter(), tolerating(toleration("gpu", "Equal", "true", "NoSchedule")),
                node)).isEmpty();
        assertThat(reject(new TaintTolerationFilter(), tolerating(toleration("gpu", "Equal", "false", "")), node))
                .isNotEmpty();
        assertThat(reject(new TaintTolerationFilter(), tolerating(toleration("gpu", "Exists", null, null)), node))
                .isEmpty();
        assertThat(reject(new TaintTolerationFilter(), tolerating(toleration(null, "Exists", null, null)), node))
                .isEmpty();
        assertThat(reject(new TaintTolerationFilter(), tolerating(toleration("gpu", "Exists", null, "NoExecute")),
                node)).isNotEmpty();
    }

    @Test
    void aNotReadyNodeCarriesTheNotReadyTaint() {
        Node notReady = node("n1", "4", "4Gi").editStatus().editFirstCondition().withStatus("False").endCondition()
                .endStatus().build();
        Node unknown = node("n2", "4", "4Gi").editStatus().editFirstCondition().withStatus("Unknown").endCondition()
                .endStatus().build();
        Node silent = node("n3", "4", "4Gi").editStatus().withConditions().endStatus().build();
        Pod plain = pod("p", null, null).build();
        assertThat(reject(new TaintTolerationFilter(), plain, notReady))
                .containsExactly("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
        assertThat(reject(new TaintTolerationFilter(), plain, unknown))
                .containsExactly("node(s) had untolerated taint {node.kubernetes.io/unreachable: }");
        assertThat(reject(new TaintTolerationFilter(), plain, silent)).isNotEmpty();
        assertThat(reject(new TaintTolerationFilter(),
                tolerating(toleration(NodeInfo.NOT_READY, "Exists", null, "NoSchedule")), notReady)).isEmpty();
    }

    @Test
    void aCordonedNodeTakesOnlyPodsTolerantOfIt() {
        Node cordoned = new NodeBuilder(readyNode("n1")).editSpec().withUnschedulable(true).endSpec().build();
        assertThat(reject(new NodeUnschedulableFilter(), pod("p", null, null).build(), cordoned))
                .containsExactly("node(s) were unschedulable");
        assertThat(reject(new NodeUnschedulableFilter(),
                tolerating(toleration(NodeInfo.UNSCHEDULABLE, "Exists", null, "NoSchedule")), cordoned)).isEmpty();
        assertThat(reject(new NodeUnschedulableFilter(), pod("p", null, null).build(), readyNode("n2"))).isEmpty();
    }

    private static Pod tolerating(io.fabric8.kubernetes.api.model.Toleration t) {
        return pod("p", null, null).editSpec().addToTolerations(t).endSpec().build();
    }
}
