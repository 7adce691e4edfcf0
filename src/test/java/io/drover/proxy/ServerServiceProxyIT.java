package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A drover server with a node agent runs the node's service proxy on the default service CIDR, and stops it. */
class ServerServiceProxyIT {
    private static final String CIDR = ServiceProxy.Settings.DEFAULT_SERVICE_CIDR;

    @Test
    void serverProxiesClusterIpsAndRemovesItsRouteOnClose() throws Exception {
        boolean routeBefore = ServiceAddresses.routeExists(CIDR);
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        backend.start();
        try (TestCluster cluster = TestCluster.start()) {
            var client = cluster.client();
            client.services().inNamespace("default").resource(new ServiceBuilder()
                    .withNewMetadata().withName("web").endMetadata()
                    .withNewSpec().withClusterIP("10.43.200.7").addNewPort().withPort(8080).endPort().endSpec()
                    .build()).create();
            client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                    .withNewMetadata().withName("web-1").addToLabels("kubernetes.io/service-name", "web").endMetadata()
                    .withAddressType("IPv4").addNewPort().withPort(backend.getAddress().getPort()).endPort()
                    .addNewEndpoint().withAddresses("127.0.0.1").endEndpoint()
                    .build()).create();
            // Rootless (no route could be added) the proxy serves the ClusterIP's 127.x twin.
            String address = ServiceAddresses.routeExists(CIDR) ? "10.43.200.7" : "127.43.200.7";
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(new InetSocketAddress(address, 8080)).endsWith("\r\n\r\nok"));
        } finally {
            backend.stop(0);
        }
        assertThat(ServiceAddresses.routeExists(CIDR)).isEqualTo(routeBefore);
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
