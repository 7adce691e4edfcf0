package io.drover.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.ServersOnEtcd;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two servers on one etcd are both endpoints of the kubernetes Service, each at its own port; the one
 * that stops takes itself out, so in-cluster clients keep reaching the other.
 */
class ApiServerEndpointsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final ServersOnEtcd SERVERS = new ServersOnEtcd();

    private static int port(TestCluster server) {
        return server.server().url().getPort();
    }

    private static Set<Integer> endpointPorts(TestCluster through) {
        Endpoints ep = through.client().endpoints().inNamespace("default").withName("kubernetes").get();
        List<EndpointSubset> subsets = ep.getSubsets() == null ? List.of() : ep.getSubsets();
        return subsets.stream().flatMap(s -> s.getPorts().stream()).map(EndpointPort::getPort)
                .collect(Collectors.toSet());
    }

    private static Set<Integer> slicePorts(TestCluster through) {
        return through.client().discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", "kubernetes").list().getItems().stream()
                .filter(s -> s.getEndpoints() != null && !s.getEndpoints().isEmpty())
                .flatMap(s -> s.getPorts().stream()).map(p -> p.getPort()).collect(Collectors.toSet());
    }

    @Test
    void everyLiveServerIsAnEndpointAndAStoppedOneIsTakenOut() {
        TestCluster one = SERVERS.one();
        TestCluster two = SERVERS.two();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(endpointPorts(one)).containsExactlyInAnyOrder(port(one), port(two));
            assertThat(slicePorts(two)).containsExactlyInAnyOrder(port(one), port(two));
        });
        List<EndpointSlice> slices = one.client().discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", "kubernetes").list().getItems();
        assertThat(slices).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("kubernetes", "kubernetes-" + Math.max(port(one), port(two)));

        int stopped = port(two);
        two.close();

        // Taken out by the stopping server itself, well before its lease would run out.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(endpointPorts(one)).containsExactly(port(one));
            assertThat(slicePorts(one)).containsExactly(port(one));
        });
        assertThat(one.client().discovery().v1().endpointSlices().inNamespace("default")
                .withName("kubernetes-" + stopped).get()).isNull();
    }
}
