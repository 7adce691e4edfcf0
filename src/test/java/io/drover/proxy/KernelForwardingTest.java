package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft statements the kernel forwarding writes; ServiceProxyIT runs them against the kernel. */
class KernelForwardingTest {

    @Test
    void dnatPicksTheEndpointsInTurn() {
        assertThat(KernelForwarding.dnat(List.of(
                new InetSocketAddress("192.0.2.2", 21000), new InetSocketAddress("192.0.2.3", 21001))))
                .isEqualTo("meta l4proto tcp dnat ip to numgen inc mod 2 map { 0 : 192.0.2.2 . 21000, 1 : 192.0.2.3 . 21001 }");
    }

    @Test
    void chainIsNamedAfterTheClusterIpAndPort() throws Exception {
        assertThat(KernelForwarding.chainName(new ListenerKey(InetAddress.getByName("10.43.0.12"), 8080, "TCP")))
                .isEqualTo("svc_10_43_0_12_8080");
    }
}
