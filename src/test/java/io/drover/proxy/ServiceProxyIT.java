package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.drover.api.service.ServiceCidr;
import io.drover.api.service.ServiceRanges;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service proxy against a real API server, real backend HTTP servers and real sockets. The
 * server runs without a node agent, so the only proxy is the one each test starts, on a service
 * CIDR of its own (a random 10.x.0.0/16), which it must leave behind no route for.
 */
class ServiceProxyIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger NEXT_SERVICE = new AtomicInteger(1);

    private static final String CIDR_PREFIX = "10." + ThreadLocalRandom.current().nextInt(200, 250);
    /** The nftables table a kernel-forwarding proxy on this CIDR keeps. */
    private static final String TABLE = "drover_" + CIDR_PREFIX.replace('.', '_') + "_0_0_16";
    private final List<HttpServer> backends = new ArrayList<>();
    private final List<AutoCloseable> closers = new ArrayList<>();
    /** The address of the last client each backend (by name) saw: the proxy, or the ClusterIP when the kernel forwarded. */
    private final Map<String, InetAddress> lastClients = new ConcurrentHashMap<>();
    /** Where backends listen and endpoints point: loopback, or the node's address for the kernel's forwarding. */
    private InetAddress backendAddress = InetAddress.getLoopbackAddress();
    private ServiceProxy proxy;

    // The API server allocates and validates ClusterIPs in the proxy's CIDR.
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false)
            .withServiceRanges(new ServiceRanges(ServiceCidr.parse(CIDR_PREFIX + ".0.0/16"),
                    ServiceRanges.DEFAULT.nodePorts())));

    @AfterEach
    void stopEverything() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        backends.forEach(server -> server.stop(0));
        for (AutoCloseable closer : closers) {
            closer.close();
        }
        assertThat(ServiceAddresses.routeExists(CIDR_PREFIX + ".0.0/16")).as("route left behind").isFalse();
        // Where nft cannot run, listing fails as well: the check holds trivially there.
        assertThat(KernelForwarding.nft("list table ip " + TABLE + "\n")).as("nftables table left behind").isNotNull();
    }

    @Test
    void roundRobinSpreadsRequestsOverEveryEndpoint() throws Exception {
        startProxy();
        List<Integer> ports = List.of(backend("a"), backend("b"), backend("c"));
        InetSocketAddress service = service("TCP", Map.of(), null, ports).address();
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            hits.merge(get(service), 1, Integer::sum);
        }
        assertThat(hits).containsOnlyKeys("a", "b", "c");
        assertThat(hits.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(60));
    }

    @Test
    void removedEndpointGetsNoNewConnectionsWhileAnEstablishedOneCompletes() throws Exception {
        startProxy();
        establishedConnectionOutlivesItsEndpoint();
    }

    @Test
    void clientThatShutsItsOutputStillGetsTheResponse() throws Exception {
        startProxy();
        InetSocketAddress service = service("TCP", Map.of(), null, List.of(backend("a"))).address();
        try (Socket socket = new Socket(service.getAddress(), service.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(body(socket.getInputStream())).isEqualTo("a");
        }
    }

    @Test
    void killedBackendCostsNoFailedRequest() throws Exception {
        startProxy();
        List<Integer> ports = List.of(backend("a"), backend("b"), backend("c"));
        InetSocketAddress service = service("TCP", Map.of(), null, ports).address();
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            if (i == 30) {
                backends.get(1).stop(0);
            }
            hits.merge(get(service), 1, Integer::sum);
        }
        assertThat(hits.get("a") + hits.get("c")).isGreaterThanOrEqualTo(120);
    }

    @Test
    void nodePortIsReachableOnTheNodeAddress() throws Exception {
        startProxy();
        int nodePort = freeNodePort();
        InetSocketAddress service = service("TCP", Map.of(), nodePort, List.of(backend("a"))).address();
        assertThat(get(service)).isEqualTo("a");
        assertThat(get(new InetSocketAddress(InetAddress.getLoopbackAddress(), nodePort))).isEqualTo("a");
    }

    @Test
    void clientIpAffinitySticksToOneEndpoint() throws Exception {
        startProxy();
        List<Integer> ports = List.of(backend("a"), backend("b"), backend("c"));
        InetSocketAddress service = service("TCP", Map.of(), null, ports, true).address();
        String first = get(service);
        for (int i = 0; i < 30; i++) {
            assertThat(get(service)).isEqualTo(first);
        }
    }

    @Test
    void leastConnectionsAvoidsTheBusyEndpoint() throws Exception {
        startProxy();
        try (HeldRequest held = new HeldRequest()) {
            List<Integer> ports = List.of(backend("a", held), backend("b", held));
            InetSocketAddress service =
                    service("TCP", Map.of(BalancingPolicy.ANNOTATION, "least-connections"), null, ports).address();
            try (Socket busy = new Socket(service.getAddress(), service.getPort())) {
                busy.setSoTimeout(5000);
                busy.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                // The held connection is on one endpoint; every request now goes to the other.
                String busyEndpoint = held.awaitHeld();
                for (int i = 0; i < 20; i++) {
                    assertThat(get(service)).isNotEqualTo(busyEndpoint);
                }
                held.close();
                assertThat(body(busy.getInputStream())).isEqualTo(busyEndpoint);
            }
        }
    }

    @Test
    void udpDatagramsAreEchoedThroughTheProxy() throws Exception {
        startProxy();
        InetSocketAddress service = service("UDP", Map.of(), null, List.of(udpEcho())).address();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            await().atMost(WAIT).ignoreExceptions().until(() -> Arrays.equals(echoed(socket, service, hello), hello));
        }
    }

    /** Netty's datagram channels read 2,048 bytes unless told otherwise; a longer datagram was cut, both ways. */
    @Test
    void udpDatagramsLongerThan2048BytesArriveWholeBothWaysOnClusterIpAndNodePort() throws Exception {
        startProxy();
        int nodePort = freeNodePort();
        InetSocketAddress clusterIp = service("UDP", Map.of(), nodePort, List.of(udpEcho())).address();
        InetSocketAddress onNodePort = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodePort);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            for (InetSocketAddress service : List.of(clusterIp, onNodePort)) {
                byte[] first = {1};
                await().atMost(WAIT).ignoreExceptions().until(() -> echoed(socket, service, first).length == 1);
                for (int size : List.of(2049, 5000, 60000)) {
                    byte[] sent = new byte[size];
                    ThreadLocalRandom.current().nextBytes(sent);
                    socket.send(new DatagramPacket(sent, sent.length, service));
                    byte[] reply = received(socket);
                    while (reply.length == 1) { // a late answer to the first datagram
                        reply = received(socket);
                    }
                    assertThat(reply.length).as("length of %s bytes through %s", size, service).isEqualTo(size);
                    assertThat(Arrays.equals(reply, sent)).as("%s bytes through %s unchanged", size, service).isTrue();
                }
            }
        }
    }

    @Test
    void serviceWithoutEndpointsWorksOnceItGetsOne() throws Exception {
        startProxy();
        TestService service = service("TCP", Map.of(), null, List.of());
        assertThatThrownBy(() -> get(service.address())).isInstanceOf(IOException.class);
        addEndpoint(service, backend("a"));
        assertThat(get(service.address())).isEqualTo("a");
    }

    @Test
    void portInUseIsReportedAsAnEventTheClusterIpStillWorksAndThePortIsTakenOnceFree() throws Exception {
        startProxy();
        int nodePort = freeNodePort();
        TestService service;
        try (ServerSocket squatter = new ServerSocket(nodePort)) {
            service = service("TCP", Map.of(), nodePort, List.of(backend("a")));
            assertThat(get(service.address())).isEqualTo("a");
            await().atMost(WAIT).until(() -> CLUSTER.client().v1().events().inNamespace("default").list().getItems()
                    .stream().anyMatch(e -> e.getInvolvedObject().getName().equals(service.name())
                            && e.getReason().equals("FailedToListen") && e.getType().equals("Warning")
                            && e.getMessage().contains(":" + nodePort + "/TCP")));
        }
        // Nothing about the Service changes: the proxy retries the socket on its own (as when the
        // port was held by a proxy still stopping).
        InetSocketAddress onNodePort = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodePort);
        await().atMost(WAIT).ignoreExceptions().until(() -> get(onNodePort).equals("a"));
    }

    /**
     * kube-proxy captures a LoadBalancer's ingress IPs at the Service port ("Capture load-balancer
     * ingress"); drover's LoadBalancerController publishes the node's addresses, which were refused.
     * The Service names a loadBalancerClass so that the test writes its ingress (no node here is Ready).
     */
    @Test
    void loadBalancerIsServedOnItsIngressIpAtTheServicePortUntilItIsNoLongerOne() throws Exception {
        startProxy();
        InetAddress nodeIp = nodeAddress();
        int port = freePort(nodeIp);
        String name = externalService("LoadBalancer", "TCP", port, List.of(), backend("lb"));
        CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(
                CLUSTER.client().services().inNamespace("default").withName(name).get())
                .editOrNewStatus().withNewLoadBalancer().addNewIngress().withIp(nodeIp.getHostAddress()).withIpMode("VIP")
                .endIngress().endLoadBalancer().endStatus().build()).updateStatus();
        InetSocketAddress ingress = new InetSocketAddress(nodeIp, port);
        await().atMost(WAIT).until(() -> proxy.serving(ingress));
        assertThat(get(ingress)).isEqualTo("lb");

        CLUSTER.client().services().inNamespace("default").withName(name).edit(s -> new ServiceBuilder(s).editSpec()
                .withType("ClusterIP").withLoadBalancerClass(null).withAllocateLoadBalancerNodePorts(null).endSpec().build());
        await().atMost(WAIT).until(() -> !proxy.serving(ingress));
        assertThatThrownBy(() -> get(ingress)).isInstanceOf(IOException.class);
    }

    /** kube-proxy captures every spec.externalIPs entry at the Service port ("Capture externalIPs"), UDP as TCP. */
    @Test
    void externalIpOfThisNodeIsServedUntilItIsRemovedAndOneElsewhereIsLeftOut() throws Exception {
        startProxy();
        InetAddress nodeIp = nodeAddress();
        int port = freePort(nodeIp);
        // 192.0.2.77 (TEST-NET-1) is no address of this machine: kube-proxy's rules would catch it in
        // passing, a proxy of sockets cannot, and no failure is reported for it.
        String name = externalService("ClusterIP", "UDP", port, List.of(nodeIp.getHostAddress(), "192.0.2.77"), udpEcho());
        InetSocketAddress external = new InetSocketAddress(nodeIp, port);
        await().atMost(WAIT).until(() -> proxy.serving(external));
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            await().atMost(WAIT).ignoreExceptions().until(() -> Arrays.equals(echoed(socket, external, hello), hello));
        }
        assertThat(proxy.serving(new InetSocketAddress("192.0.2.77", port))).isFalse();
        assertThat(failedToListen(name)).isEmpty();

        CLUSTER.client().services().inNamespace("default").withName(name).edit(s -> new ServiceBuilder(s).editSpec()
                .withExternalIPs("192.0.2.77").endSpec().build());
        await().atMost(WAIT).until(() -> !proxy.serving(external));
    }

    /** One address and port serve one Service: the first keeps it, the second is told and takes it once free. */
    @Test
    void externalIpAndPortNamedByTwoServicesGoToTheFirstUntilItLetsGo() throws Exception {
        startProxy();
        InetAddress nodeIp = nodeAddress();
        int port = freePort(nodeIp);
        InetSocketAddress external = new InetSocketAddress(nodeIp, port);
        String first = externalService("ClusterIP", "TCP", port, List.of(nodeIp.getHostAddress()), backend("first"));
        await().atMost(WAIT).until(() -> proxy.serving(external));
        String second = externalService("ClusterIP", "TCP", port, List.of(nodeIp.getHostAddress()), backend("second"));
        await().atMost(WAIT).until(() -> failedToListen(second).stream()
                .anyMatch(message -> message.contains(nodeIp.getHostAddress() + ":" + port + "/TCP: in use by Service default/" + first)));
        assertThat(get(external)).isEqualTo("first");

        CLUSTER.client().services().inNamespace("default").withName(first).delete();
        await().atMost(WAIT).ignoreExceptions().until(() -> get(external).equals("second"));
    }

    @Test
    void closingTheProxyLeavesNoListenerAndNoRoute() throws Exception {
        startProxy();
        int nodePort = freeNodePort();
        InetSocketAddress service = service("TCP", Map.of(), nodePort, List.of(backend("a"))).address();
        boolean routed = !service.getAddress().isLoopbackAddress();
        assertThat(ServiceAddresses.routeExists(CIDR_PREFIX + ".0.0/16")).isEqualTo(routed);
        assertThat(get(service)).isEqualTo("a");
        proxy.close();
        proxy = null;
        // Off the route, a ClusterIP would go to the default gateway, so the NodePort on loopback shows the
        // listeners are gone (refused at once); the route itself is checked after every test.
        assertThatThrownBy(() -> get(new InetSocketAddress(InetAddress.getLoopbackAddress(), nodePort)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void tableLeftByADeadKernelForwardingProxyIsRemovedByTheNextProxy() throws Exception {
        assumeTrue(KernelForwarding.nft("list tables\n") == null, "nftables cannot be used here (needs root, nft and nf_tables)");
        assertThat(KernelForwarding.nft("add table ip " + TABLE + "\n")).isNull();
        startProxy();
        assertThat(KernelForwarding.nft("list table ip " + TABLE + "\n")).as("the leftover table").isNotNull();
    }

    /**
     * {@code Settings.kernelForwarding}: nftables DNAT forwards TCP ClusterIP connections. A
     * connection the kernel forwarded reaches its backend from the ClusterIP itself (the address the
     * client's connect chose), one the proxy relayed from the node's address: that is how these
     * tests tell the two apart. Backends listen on the node's address, as pods' host ports do
     * (the kernel does not forward to loopback).
     */
    @Nested
    class KernelForwardingTest {
        @BeforeEach
        void nodeAddressAndNftables() throws Exception {
            assumeTrue(KernelForwarding.nft("list tables\n") == null,
                    "nftables cannot be used here (needs root, nft and nf_tables): " + KernelForwarding.nft("list tables\n"));
            backendAddress = InetAddress.getByName(io.drover.agent.HostFacts.detectInternalIp());
            assumeTrue(!backendAddress.isLoopbackAddress(), "this machine has no address but loopback");
            startProxy(true);
            assumeTrue(proxy.servesClusterIps(), "no local route for the service CIDR (needs root and ip)");
        }

        @Test
        void newConnectionsGoRoundRobinThroughTheKernel() throws Exception {
            List<Integer> ports = List.of(backend("a"), backend("b"), backend("c"));
            TestService service = service("TCP", Map.of(), null, ports);
            Map<String, Integer> hits = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                hits.merge(get(service.address()), 1, Integer::sum);
            }
            assertThat(hits).containsOnlyKeys("a", "b", "c");
            assertThat(hits.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(60));
            assertThat(lastClients).containsOnlyKeys("a", "b", "c")
                    .allSatisfy((name, client) -> assertThat(client).isEqualTo(service.address().getAddress()));
        }

        @Test
        void removedEndpointGetsNoNewConnectionsWhileAnEstablishedOneCompletes() throws Exception {
            TestService service = establishedConnectionOutlivesItsEndpoint();
            assertThat(lastClients.get("a")).isEqualTo(service.address().getAddress());
        }

        @Test
        void portWithoutEndpointsIsLeftToTheListenerUntilItGetsOne() throws Exception {
            TestService service = service("TCP", Map.of(), null, List.of());
            assertThatThrownBy(() -> get(service.address())).isInstanceOf(IOException.class);
            addEndpoint(service, backend("a"));
            assertThat(get(service.address())).isEqualTo("a");
            assertThat(lastClients.get("a")).isEqualTo(service.address().getAddress());
        }

        @Test
        void leastConnectionsAndClientIpAffinityStayWithTheProxy() throws Exception {
            TestService least = service("TCP", Map.of(BalancingPolicy.ANNOTATION, "least-connections"), null,
                    List.of(backend("least")));
            TestService sticky = service("TCP", Map.of(), null, List.of(backend("sticky")), true);
            assertThat(get(least.address())).isEqualTo("least");
            assertThat(get(sticky.address())).isEqualTo("sticky");
            assertThat(lastClients.get("least")).isNotEqualTo(least.address().getAddress());
            assertThat(lastClients.get("sticky")).isNotEqualTo(sticky.address().getAddress());
        }

        @Test
        void portWhoseRuleCannotBeWrittenIsServedByTheListener() throws Exception {
            // Someone flushed the ruleset under the proxy: nft refuses the Service's rule.
            assertThat(KernelForwarding.nft("delete table ip " + TABLE + "\n")).isNull();
            TestService service = service("TCP", Map.of(), null, List.of(backend("a")));
            assertThat(get(service.address())).isEqualTo("a");
            assertThat(lastClients.get("a")).isNotEqualTo(service.address().getAddress());
        }

        @Test
        void closingTheProxyRemovesItsTable() throws Exception {
            TestService service = service("TCP", Map.of(), null, List.of(backend("a")));
            assertThat(KernelForwarding.nft("list table ip " + TABLE + "\n")).isNull();
            assertThat(get(service.address())).isEqualTo("a");
            proxy.close();
            proxy = null;
            assertThat(KernelForwarding.nft("list table ip " + TABLE + "\n")).isNotNull();
        }
    }

    // --- helpers ---

    /** This machine's address other than loopback (where external IPs can point); the test is skipped without one. */
    private static InetAddress nodeAddress() throws IOException {
        InetAddress address = InetAddress.getByName(io.drover.agent.HostFacts.detectInternalIp());
        assumeTrue(!address.isLoopbackAddress(), "this machine has no address but loopback");
        return address;
    }

    /** A port free for TCP and UDP on this address (the node's address is shared with whatever runs here). */
    private static int freePort(InetAddress address) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(40000, 45000);
            try (ServerSocket tcp = new ServerSocket(port, 1, address); DatagramSocket udp = new DatagramSocket(port, address)) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 40000-44999 on " + address);
    }

    /**
     * A Service of this type with one port and these externalIPs and an endpoint on backendAddress:endpointPort;
     * a LoadBalancer gets no NodePort (allocateLoadBalancerNodePorts false) and a loadBalancerClass of
     * no controller. Returns its name once the proxy serves its ClusterIP.
     */
    private String externalService(String type, String protocol, int port, List<String> externalIps, int endpointPort)
            throws Exception {
        int n = NEXT_SERVICE.getAndIncrement();
        String name = "svc-" + n;
        String clusterIp = CIDR_PREFIX + ".0." + (10 + n % 200);
        boolean loadBalancer = type.equals("LoadBalancer");
        CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withType(type).withClusterIP(clusterIp).withExternalIPs(externalIps)
                .withLoadBalancerClass(loadBalancer ? "example.com/none" : null)
                .withAllocateLoadBalancerNodePorts(loadBalancer ? false : null)
                .addNewPort().withName("web").withProtocol(protocol).withPort(port).endPort()
                .endSpec().build()).create();
        closers.add(() -> CLUSTER.client().services().inNamespace("default").withName(name).delete());
        TestService service = new TestService(name, protocol, new InetSocketAddress(proxy.listenAddress(clusterIp), port));
        addEndpoint(service, endpointPort);
        await().atMost(WAIT).until(() -> proxy.serving(service.address()));
        return name;
    }

    /** The messages of the FailedToListen events on this Service. */
    private static List<String> failedToListen(String service) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(service) && e.getReason().equals("FailedToListen"))
                .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                .toList();
    }

    /** A UDP backend on backendAddress that sends every datagram back whole to its sender; its port. */
    private int udpEcho() throws IOException {
        DatagramSocket echo = new DatagramSocket(0, backendAddress);
        Thread echoThread = Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[65_535];
            try {
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    echo.receive(packet);
                    echo.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        closers.add(() -> {
            echo.close();
            echoThread.join();
        });
        return echo.getLocalPort();
    }

    /** Sends one datagram and returns the next one that comes back (whatever its length). */
    private static byte[] echoed(DatagramSocket socket, InetSocketAddress to, byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
        return received(socket);
    }

    private static byte[] received(DatagramSocket socket) throws IOException {
        DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
        socket.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }

    /**
     * A request in flight on endpoint "a" when "a" is replaced by "b": new connections go to "b" only,
     * and the request in flight still gets its answer from "a". The request waits in a's handler
     * until released, and "b" is added only once it is there: the proxy picks a connection's
     * endpoint when its event loop takes the connection, which on a loaded machine can come after
     * the test has changed the endpoints (and a JDK HttpServer's one dispatcher thread, held by an
     * unfinished request, would then hang "b").
     */
    private TestService establishedConnectionOutlivesItsEndpoint() throws Exception {
        TestService service;
        try (HeldRequest held = new HeldRequest()) {
            int a = backend("a", held);
            int b = backend("b");
            service = service("TCP", Map.of(), null, List.of(a));
            try (Socket established = new Socket(service.address().getAddress(), service.address().getPort())) {
                established.setSoTimeout(5000);
                established.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(held.awaitHeld()).isEqualTo("a");
                addEndpoint(service, b);
                terminate(service, a);
                for (int i = 0; i < 20; i++) {
                    assertThat(get(service.address())).isEqualTo("b");
                }
                held.close();
                assertThat(body(established.getInputStream())).isEqualTo("a");
            }
        }
        return service;
    }

    private void startProxy() {
        startProxy(false);
    }

    private void startProxy(boolean kernelForwarding) {
        proxy = ServiceProxy.start(new KubernetesClientBuilder().withConfig(CLUSTER.client().getConfiguration()).build(),
                new ServiceProxy.Settings(CIDR_PREFIX + ".0.0/16", Duration.ofSeconds(5), kernelForwarding));
    }

    /** A Service the test created: its name, protocol and the address the proxy serves it on. */
    private record TestService(String name, String protocol, InetSocketAddress address) {}

    private TestService service(String protocol, Map<String, String> annotations, Integer nodePort,
            List<Integer> endpointPorts) throws Exception {
        return service(protocol, annotations, nodePort, endpointPorts, false);
    }

    /**
     * Creates a Service with an explicit clusterIP and an EndpointSlice per endpoint, and waits
     * until the proxy has applied them.
     */
    private TestService service(String protocol, Map<String, String> annotations, Integer nodePort,
            List<Integer> endpointPorts, boolean clientIpAffinity) throws Exception {
        int n = NEXT_SERVICE.getAndIncrement();
        String name = "svc-" + n;
        String clusterIp = CIDR_PREFIX + ".0." + (10 + n % 200);
        CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withType(nodePort == null ? "ClusterIP" : "NodePort").withClusterIP(clusterIp)
                .withSessionAffinity(clientIpAffinity ? "ClientIP" : "None")
                .addNewPort().withName("web").withProtocol(protocol).withPort(80).withNodePort(nodePort).endPort()
                .endSpec().build()).create();
        closers.add(() -> CLUSTER.client().services().inNamespace("default").withName(name).delete());
        TestService service = new TestService(name, protocol, new InetSocketAddress(proxy.listenAddress(clusterIp), 80));
        for (int port : endpointPorts) {
            addEndpoint(service, port);
        }
        await().atMost(WAIT).until(() -> proxy.serving(service.address()));
        return service;
    }

    /**
     * Adds an endpoint backendAddress:port in a slice of its own (a slice has one port list, and drover
     * endpoints differ by port) and waits until the proxy has applied it.
     */
    private void addEndpoint(TestService service, int port) {
        String slice = service.name() + "-" + port;
        EndpointSlice created = CLUSTER.client().discovery().v1().endpointSlices().inNamespace("default").resource(
                new EndpointSliceBuilder()
                        .withNewMetadata().withName(slice).addToLabels("kubernetes.io/service-name", service.name())
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewPort().withName("web").withProtocol(service.protocol()).withPort(port).endPort()
                        .addNewEndpoint().withAddresses(backendAddress.getHostAddress()).withNewConditions().withReady(true)
                        .withServing(true).withTerminating(false).endConditions().endEndpoint()
                        .build()).create();
        closers.add(() -> CLUSTER.client().discovery().v1().endpointSlices().inNamespace("default").withName(slice).delete());
        awaitApplied(created.getMetadata().getResourceVersion());
    }

    /** Marks the endpoint on this port terminating (ready false, serving true), as for a pod being replaced. */
    private void terminate(TestService service, int port) {
        String slice = service.name() + "-" + port;
        EndpointSlice updated = CLUSTER.client().discovery().v1().endpointSlices().inNamespace("default").withName(slice)
                .edit(s -> new EndpointSliceBuilder(s).editFirstEndpoint().editConditions().withReady(false)
                        .withServing(true).withTerminating(true).endConditions().endEndpoint().build());
        awaitApplied(updated.getMetadata().getResourceVersion());
    }

    private void awaitApplied(String version) {
        await().atMost(WAIT).until(() -> proxy.appliedRevision() >= Long.parseLong(version));
    }

    /**
     * Holds the first request that reaches any backend sharing it in that backend's handler until
     * released, so a test knows the request is in flight, and on which backend.
     */
    private static final class HeldRequest implements AutoCloseable {
        private final AtomicReference<String> backend = new AtomicReference<>();
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        void holdIfFirst(String name) {
            if (backend.compareAndSet(null, name)) {
                reached.countDown();
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The backend holding the request, once it is there. */
        String awaitHeld() throws InterruptedException {
            assertThat(reached.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("held request reached a backend").isTrue();
            return backend.get();
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    private int backend(String name) throws IOException {
        return backend(name, null);
    }

    /** A backend answering its name; with {@code held}, the first request it and its peers see waits there. */
    private int backend(String name, HeldRequest held) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(backendAddress, 0), 0);
        server.createContext("/", exchange -> {
            lastClients.put(name, exchange.getRemoteAddress().getAddress());
            if (held != null) {
                held.holdIfFirst(name);
            }
            byte[] body = name.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        backends.add(server);
        return server.getAddress().getPort();
    }

    /** One HTTP/1.0 request on a connection of its own (so every request is a new proxied connection). */
    private static String get(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return body(socket.getInputStream());
        }
    }

    private static String body(InputStream in) throws IOException {
        String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        int start = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 200") || start < 0) {
            throw new SocketException("no HTTP response: " + response);
        }
        return response.substring(start + 4);
    }

    private static int freeNodePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(30000, 32768);
            try (ServerSocket probe = new ServerSocket(port)) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 30000-32767");
    }
}
