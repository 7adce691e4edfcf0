package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSelectionTest {

    @Test
    void readyEndpointsWinOverServingTerminatingOnes() {
        List<EndpointSlice> slices = List.of(slice(1001, true, true, false), slice(1002, false, true, true));
        assertThat(EndpointSelection.select(slices, "web", "TCP")).containsExactly(address(1001));
    }

    @Test
    void servingTerminatingEndpointsAreTheFallbackWhenNoneIsReady() {
        List<EndpointSlice> slices = List.of(slice(1001, false, false, false), slice(1002, false, true, true));
        assertThat(EndpointSelection.select(slices, "web", "TCP")).containsExactly(address(1002));
    }

    @Test
    void missingConditionsCountAsReady() {
        EndpointSlice slice = new EndpointSliceBuilder(slice(1001, true, true, false))
                .editFirstEndpoint().withConditions(null).endEndpoint().build();
        assertThat(EndpointSelection.select(List.of(slice), "web", "TCP")).containsExactly(address(1001));
    }

    @Test
    void onlyTheMatchingPortNameAndProtocolCount() {
        List<EndpointSlice> slices = List.of(slice(1001, true, true, false));
        assertThat(EndpointSelection.select(slices, "metrics", "TCP")).isEmpty();
        assertThat(EndpointSelection.select(slices, "web", "UDP")).isEmpty();
    }

    @Test
    void aPortNoSocketCanHaveAndAnAddressThatIsNoIpv4LiteralServeNothing() {
        assertThat(EndpointSelection.select(List.of(slice(99999, true, true, false)), "web", "TCP")).isEmpty();
        EndpointSlice named = new EndpointSliceBuilder(slice(1001, true, true, false))
                .editFirstEndpoint().withAddresses("not-an-ip").endEndpoint()
                .addNewEndpoint().withAddresses("::1").endEndpoint()
                .addNewEndpoint().withAddresses("127.0.0.2").endEndpoint().build();
        assertThat(EndpointSelection.select(List.of(named), "web", "TCP"))
                .containsExactly(new InetSocketAddress("127.0.0.2", 1001));
    }

    private static EndpointSlice slice(int port, boolean ready, boolean serving, boolean terminating) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName("web-" + port).addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("web").withProtocol("TCP").withPort(port).endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(ready).withServing(serving)
                .withTerminating(terminating).endConditions().endEndpoint()
                .build();
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
