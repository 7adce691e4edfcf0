package io.drover.proxy;

import io.drover.api.service.ServiceCidr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.drover.agent.HostFacts;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A drover server with a node agent runs the node's service proxy on the default service CIDR, in the
 * mode its options ask for, and stops it.
 */
class ServerServiceProxyIT {
    private static final String CIDR = ServiceCidr.DEFAULT.toString();
    private static final String CLUSTER_IP = "10.43.200.7";

    @Test
    void serverProxiesClusterIpsAndRemovesItsRouteOnClose() throws Exception {
        boolean routeBefore = ServiceAddresses.routeExists(CIDR);
        HttpServer backend = backend(InetAddress.getLoopbackAddress(), new AtomicReference<>());
        try (TestCluster cluster = TestCluster.start()) {
            serviceWithEndpoint(cluster, backend.getAddress());
            // Rootless (no route could be added) the proxy serves the ClusterIP's 127.x twin.
            String address = ServiceAddresses.routeExists(CIDR) ? CLUSTER_IP : "127.43.200.7";
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(new InetSocketAddress(address, 8080)).endsWith("\r\n\r\nok"));
        } finally {
            backend.stop(0);
        }
        assertThat(ServiceAddresses.routeExists(CIDR)).isEqualTo(routeBefore);
    }

    /** {@code drover server --proxy-mode nftables}: the kernel forwards, so the backend sees the ClusterIP as its client. */
    @Test
    void serverWithKernelForwardingLeavesClusterIpConnectionsToTheKernel() throws Exception {
        assumeTrue(KernelForwarding.nft("list tables\n") == null, "nftables cannot be used here (needs root, nft and nf_tables)");
        InetAddress node = InetAddress.getByName(HostFacts.detectInternalIp());
        assumeTrue(!node.isLoopbackAddress(), "this machine has no address but loopback");
        AtomicReference<InetAddress> client = new AtomicReference<>();
        HttpServer backend = backend(node, client);
        try (TestCluster cluster = TestCluster.start(options -> options.withKernelForwarding(true))) {
            assumeTrue(ServiceAddresses.routeExists(CIDR), "no local route for the service CIDR (needs root and ip)");
            serviceWithEndpoint(cluster, backend.getAddress());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(new InetSocketAddress(CLUSTER_IP, 8080)).endsWith("\r\n\r\nok")
                            && InetAddress.getByName(CLUSTER_IP).equals(client.get()));
        } finally {
            backend.stop(0);
        }
        assertThat(KernelForwarding.nft("list table ip drover_10_43_0_0_16\n")).as("table left behind").isNotNull();
    }

    /** An HTTP server answering "ok" that records the address of its last client. */
    private static HttpServer backend(InetAddress address, AtomicReference<InetAddress> lastClient) throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress(address, 0), 0);
        backend.createContext("/", exchange -> {
            lastClient.set(exchange.getRemoteAddress().getAddress());
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        backend.start();
        return backend;
    }

    private static void serviceWithEndpoint(TestCluster cluster, InetSocketAddress endpoint) {
        var client = cluster.client();
        client.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withClusterIP(CLUSTER_IP).addNewPort().withPort(8080).endPort().endSpec()
                .build()).create();
        client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("web-1").addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4").addNewPort().withPort(endpoint.getPort()).endPort()
                .addNewEndpoint().withAddresses(endpoint.getAddress().getHostAddress()).endEndpoint()
                .build()).create();
    }

    private static String get(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
