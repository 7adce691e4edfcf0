package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.process.PodResolvConfMount;
import io.drover.api.service.ServiceCidr;
import io.drover.api.service.ServiceRanges;
import io.drover.dns.ClusterDnsOptions;
import io.drover.ports.PodPorts;
import io.drover.proxy.ServiceProxy;
import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.TempDirs;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Issue #5's Service tests end to end: real pods ({@code drover demo-app}, three replicas behind
 * the Service {@code web}), the server's own endpoint controllers, service proxy and cluster DNS,
 * and requests over real sockets. Each test leaves the three replicas ready (checked before each).
 *
 * <p>The cluster runs on a service CIDR of its own (a random 10.1xx.0.0/16), so its ClusterIPs
 * (kube-dns's included) never collide with another drover on the machine; the DNS server listens
 * on a free port of 127.0.0.1 and is reached at the kube-dns ClusterIP's port 53 through the
 * proxy. Tests of a pod's own resolv.conf need root (a mount namespace) and skip without it.
 */
class ServiceTrafficIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> REPLICAS = List.of("web-0", "web-1", "web-2");
    private static final String CIDR = "10." + ThreadLocalRandom.current().nextInt(100, 200) + ".0.0/16";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static ServiceProxy proxy;
    private static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = TempDirs.create("drover-service-traffic");
        cluster = TestCluster.start(options -> options
                .withServiceRanges(new ServiceRanges(ServiceCidr.parse(CIDR), ServiceRanges.DEFAULT.nodePorts()))
                .withClusterDns(ClusterDnsOptions.defaults().withAddress("127.0.0.1", 0)));
        client = cluster.client();
        proxy = cluster.server().serviceProxy();
        for (String name : REPLICAS) {
            Files.createFile(dir.resolve(name));
            client.pods().inNamespace("default").resource(demoPod(name, "web")).create();
        }
        client.services().inNamespace("default").resource(service("web", "web", "ClusterIP")).create();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (cluster != null) {
                client.pods().inNamespace("default").withGracePeriod(0).delete();
                await().atMost(WAIT).until(() -> client.pods().inNamespace("default").list().getItems().isEmpty());
                cluster.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                    .commandLine().map(c -> c.contains(dir.toString())).orElse(false)));
        } finally {
            TempDirs.delete(dir);
        }
    }

    @BeforeEach
    void threeReadyReplicas() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(endpoints("web"))
                .filteredOn(e -> Boolean.TRUE.equals(e.getConditions().getReady())).hasSize(3));
    }

    @AfterEach
    void removeExtraServices() {
        client.services().inNamespace("default").withLabel("extra", "true").delete();
    }

    @Test
    void threeReplicasEachGetAtLeastTwentyPercentOf300RequestsThroughTheClusterIp() throws Exception {
        InetSocketAddress web = clusterAddress("web");
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            hits.merge(get(web), 1, Integer::sum);
        }
        assertThat(hits).containsOnlyKeys(REPLICAS);
        assertThat(hits.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(60));
    }

    @Test
    void podReachesAllReplicasByDnsNameThroughItsResolvConf() throws Exception {
        assumeOwnResolvConf();
        // A JDK program as the pod's command: it resolves the short name "web" through the pod's
        // resolv.conf (search path, ndots:5) with the system resolver and makes 300 requests,
        // each on a new connection (so each is balanced), and prints who answered how often.
        Path program = dir.resolve("Requests.java");
        Files.writeString(program, """
                import java.net.*;
                import java.util.*;
                public class Requests {
                    public static void main(String[] args) throws Exception {
                        InetAddress address = InetAddress.getByName(args[0]);
                        Map<String, Integer> hits = new TreeMap<>();
                        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                            try (Socket s = new Socket(address, Integer.parseInt(args[1]))) {
                                s.setSoTimeout(5000);
                                s.getOutputStream().write("GET / HTTP/1.0\\r\\n\\r\\n".getBytes());
                                String r = new String(s.getInputStream().readAllBytes());
                                hits.merge(r.substring(r.indexOf("Hello from ") + 11).strip(), 1, Integer::sum);
                            }
                        }
                        System.out.println("resolved " + args[0] + " to " + address.getHostAddress());
                        hits.forEach((who, n) -> System.out.println("hits " + who + " " + n));
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        client.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("dns-client").endMetadata()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage("process")
                .withCommand(java, program.toString(), "web", "8080", "300").endContainer().endSpec()
                .build()).create();
        try {
            await().atMost(WAIT).until(() -> phase("dns-client").equals("Succeeded") || phase("dns-client")
                    .equals("Failed"));
            String log = client.pods().inNamespace("default").withName("dns-client").getLog();
            assertThat(phase("dns-client")).as(log).isEqualTo("Succeeded");
            assertThat(log).contains("resolved web to " + clusterIp("web"));
            for (String replica : REPLICAS) {
                assertThat(log).containsPattern("hits " + replica + " ([6-9][0-9]|1[0-9][0-9])\n");
            }
        } finally {
            deletePod("dns-client");
        }
    }

    @Test
    void theServicesAndPodsProxySubresourcesReachTheApp() throws Exception {
        java.net.http.HttpClient http = cluster.httpClient();
        String token = cluster.token();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.server().url()
                        + "/api/v1/namespaces/default/" + (path.startsWith("pods/") ? path : "services/" + path)))
                        .header("Authorization", "Bearer " + token)
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        String replica = REPLICAS.get(0);
        // The pod's container port 8080 is reached at the host port the agent mapped it to.
        for (String id : List.of(replica + ":8080", replica)) {
            java.net.http.HttpResponse<String> answer = get.apply("pods/" + id + "/proxy/");
            assertThat(answer.statusCode()).as(id).isEqualTo(200);
            assertThat(answer.body()).as(id).startsWith("Hello from " + replica);
        }
        assertThat(get.apply("pods/" + replica + ":http/proxy/").statusCode()).isEqualTo(400);

        for (String id : List.of("web:http", "web:8080", "http:web:http")) {
            java.net.http.HttpResponse<String> answer = get.apply(id + "/proxy/");
            assertThat(answer.statusCode()).as(id).isEqualTo(200);
            assertThat(answer.body()).as(id).startsWith("Hello from web-");
        }
        assertThat(get.apply("web:9999/proxy/").body()).contains("no service port 9999 found for service \\\"web\\\"");
        assertThat(get.apply("nothing:http/proxy/").statusCode()).isEqualTo(404);
        assertThat(get.apply("a:b:c:d/proxy/").statusCode()).isEqualTo(400);
        client.services().inNamespace("default").resource(service("lonely", "nobody", "ClusterIP")).create();
        java.net.http.HttpResponse<String> lonely = get.apply("lonely:http/proxy/");
        assertThat(lonely.statusCode()).isEqualTo(503);
        assertThat(lonely.body()).contains("no endpoints available for service \\\"lonely\\\"");
    }

    @Test
    void kubeDnsClusterIpAnswersOverUdpAndTcp() throws Exception {
        Assumptions.assumeTrue(proxy.servesClusterIps(), "ClusterIPs are served at their own addresses only as root");
        String kubeDns = cluster.server().clusterDns().serviceIp();
        assertThat(ServiceCidr.parse(CIDR).offset(kubeDns)).isNotNegative();
        for (boolean tcp : List.of(false, true)) {
            Message answer = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                    () -> query(new InetSocketAddress(kubeDns, 53), tcp, "web.default.svc.cluster.local.", Type.A),
                    m -> m.getRcode() == Rcode.NOERROR && !m.getSection(Section.ANSWER).isEmpty());
            assertThat(answer.getSection(Section.ANSWER)).extracting(r -> ((ARecord) r).getAddress().getHostAddress())
                    .as(tcp ? "TCP" : "UDP").containsExactly(clusterIp("web"));
        }
    }

    @Test
    void execInAPodSeesItsOwnResolvConfAndResolvesServiceNames() throws Exception {
        assumeOwnResolvConf();
        Path kubectlBinary = Requirements.kubectl();
        String kubeDns = cluster.server().clusterDns().serviceIp();
        String hostResolvConf = Files.readString(Path.of("/etc/resolv.conf"));
        // The readiness probe is an exec too: the pod becomes Ready only if it sees its own file.
        client.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("shell").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("c")
                .withImage("process").withCommand("sleep", "1000")
                .withNewReadinessProbe().withNewExec().withCommand("grep", "-q", "nameserver " + kubeDns,
                        "/etc/resolv.conf").endExec().withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build()).create();
        Path cache = TempDirs.create("kubectl-cache");
        try {
            await().atMost(WAIT).until(() -> ready(client.pods().inNamespace("default").withName("shell").get()));
            Kubectl kubectl = new Kubectl(kubectlBinary, cluster.server().kubeconfig(), cache);
            assertThat(kubectl.run("exec", "shell", "--", "cat", "/etc/resolv.conf").requireSuccess().stdout())
                    .isEqualTo("nameserver " + kubeDns + "\n"
                            + "search default.svc.cluster.local svc.cluster.local cluster.local"
                            + searchesOf(hostResolvConf) + "\noptions ndots:5\n");
            assertThat(kubectl.run("exec", "shell", "--", "getent", "hosts", "web").requireSuccess().stdout())
                    .startsWith(clusterIp("web") + " ").contains("web.default.svc.cluster.local");
            assertThat(Files.readString(Path.of("/etc/resolv.conf"))).isEqualTo(hostResolvConf);
        } finally {
            deletePod("shell");
            TempDirs.delete(cache);
        }
    }

    @Test
    void sigkillOfAReplicaDuringARequestLoopFailsNoRequest() throws Exception {
        InetSocketAddress web = clusterAddress("web");
        long pid = taskPid("web-1");
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            if (i == 50) {
                // kill -9 and wait until it is gone: the endpoint is still listed as ready, so the
                // requests that follow find a refused connect and must be failed over.
                ProcessHandle replica = ProcessHandle.of(pid).orElseThrow();
                replica.destroyForcibly();
                replica.onExit().get();
            }
            hits.merge(get(web), 1, Integer::sum); // an exception fails the test
        }
        assertThat(hits.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        // It comes back (restartPolicy Always) and is ready again for the next test.
        await().atMost(WAIT).until(() -> client.pods().inNamespace("default").withName("web-1").get().getStatus()
                .getContainerStatuses().get(0).getRestartCount() >= 1);
    }

    @Test
    void notReadyReplicaGetsNoTraffic() throws Exception {
        InetSocketAddress web = clusterAddress("web");
        Files.delete(dir.resolve("web-2"));
        try {
            EndpointSlice slice = await().atMost(WAIT).until(() -> sliceOf("web", "web-2"),
                    s -> s != null && !Boolean.TRUE.equals(s.getEndpoints().get(0).getConditions().getReady()));
            long version = Long.parseLong(slice.getMetadata().getResourceVersion());
            // The proxy has applied that slice (or a newer one): from now on web-2 gets nothing.
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.appliedRevision() >= version);
            Map<String, Integer> hits = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                hits.merge(get(web), 1, Integer::sum);
            }
            assertThat(hits).containsOnlyKeys("web-0", "web-1");
        } finally {
            Files.createFile(dir.resolve("web-2"));
        }
    }

    @Test
    void nodePortIsReachableOnTheNodeAddress() throws Exception {
        Service service = client.services().inNamespace("default")
                .resource(service("web-nodeport", "web", "NodePort")).create();
        int nodePort = service.getSpec().getPorts().get(0).getNodePort();
        String nodeAddress = client.nodes().withName(cluster.server().nodeName()).get().getStatus().getAddresses()
                .stream().filter(a -> a.getType().equals("InternalIP")).findFirst().orElseThrow().getAddress();
        InetSocketAddress address = new InetSocketAddress(nodeAddress, nodePort);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> REPLICAS.contains(get(address)));
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            hits.merge(get(address), 1, Integer::sum);
        }
        assertThat(hits).containsOnlyKeys(REPLICAS);
    }

    @Test
    void headlessServiceDnsAnswersTheThreeReplicas() throws Exception {
        client.services().inNamespace("default").resource(new ServiceBuilder(service("web-headless", "web", "ClusterIP"))
                .editSpec().withClusterIP("None").endSpec().build()).create();
        List<Integer> hostPorts = REPLICAS.stream().map(name -> PodPorts.of(client.pods().inNamespace("default")
                .withName(name).get()).forTarget(new IntOrString("http"), "TCP").getAsInt()).toList();
        InetSocketAddress dns = dnsAddress();
        // Pods share the node's network, so the three endpoints have the node's address and are
        // told apart by port: SRV answers one record per replica, A the address(es) they are on.
        Message srv = await().atMost(Duration.ofSeconds(20)).until(
                () -> query(dns, false, "_http._tcp.web-headless.default.svc.cluster.local.", Type.SRV),
                m -> m.getSection(Section.ANSWER).size() == 3);
        assertThat(srv.getSection(Section.ANSWER)).extracting(r -> ((SRVRecord) r).getPort())
                .containsExactlyInAnyOrderElementsOf(hostPorts);
        List<String> endpointAddresses = endpoints("web-headless").stream()
                .map(e -> e.getAddresses().get(0)).distinct().toList();
        Message a = query(dns, false, "web-headless.default.svc.cluster.local.", Type.A);
        assertThat(a.getSection(Section.ANSWER)).extracting(r -> ((ARecord) r).getAddress().getHostAddress())
                .containsExactlyInAnyOrderElementsOf(endpointAddresses);
    }

    @Test
    void deletingTheServiceFreesItsClusterIpAndPorts() throws Exception {
        Service service = client.services().inNamespace("default")
                .resource(service("web-freed", "web", "NodePort")).create();
        String ip = service.getSpec().getClusterIP();
        int nodePort = service.getSpec().getPorts().get(0).getNodePort();
        InetSocketAddress clusterAddress = new InetSocketAddress(proxy.listenAddress(ip), 8080);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> REPLICAS.contains(get(clusterAddress)));

        client.services().inNamespace("default").withName("web-freed").delete();
        // The proxy closes both sockets: nothing accepts on the ClusterIP, and the NodePort can be bound.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThatThrownBy(() -> get(clusterAddress)).isInstanceOf(IOException.class);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(nodePort));
            }
        });
        // The API server hands the same address and port out again.
        Service again = client.services().inNamespace("default").resource(new ServiceBuilder(
                service("web-freed-again", "web", "NodePort")).editSpec().withClusterIP(ip)
                .editFirstPort().withNodePort(nodePort).endPort().endSpec().build()).create();
        assertThat(again.getSpec().getClusterIP()).isEqualTo(ip);
        assertThat(again.getSpec().getPorts().get(0).getNodePort()).isEqualTo(nodePort);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> REPLICAS.contains(get(clusterAddress)));
    }

    @Test
    void proxyKeepsServingWhenAServiceWithNoEndpointsGetsItsFirstOne() throws Exception {
        InetSocketAddress web = clusterAddress("web");
        client.services().inNamespace("default").resource(service("late", "late", "ClusterIP")).create();
        InetSocketAddress late = clusterAddress("late");
        // Requests to web run all along; none may fail while "late" goes from no endpoint to one.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = Thread.ofVirtual().start(() -> {
            while (running.get() && failure.get() == null) {
                try {
                    assertThat(get(web)).isIn(REPLICAS);
                    served.incrementAndGet();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> endpoints("late").isEmpty()
                    && proxyListens(late));
            assertThatThrownBy(() -> get(late)).as("no endpoint: accepted and closed").isInstanceOf(IOException.class);
            Files.createFile(dir.resolve("late-0"));
            client.pods().inNamespace("default").resource(demoPod("late-0", "late")).create();
            await().atMost(WAIT).ignoreExceptions().until(() -> get(late).equals("late-0"));
        } finally {
            running.set(false);
            loop.join();
            deletePod("late-0");
        }
        assertThat(failure.get()).as("a request to web failed").isNull();
        assertThat(served.get()).isPositive();
    }

    private static void assumeOwnResolvConf() {
        Assumptions.assumeTrue(PodResolvConfMount.supported(),
                "a pod's own resolv.conf needs root (mount namespace); running as non-root");
        Assumptions.assumeTrue(proxy.servesClusterIps(), "the proxy could not add the service CIDR's local route");
    }

    /** The cluster DNS as pods reach it: the kube-dns ClusterIP as root, else the server's own address. */
    private static InetSocketAddress dnsAddress() {
        return proxy.servesClusterIps() ? new InetSocketAddress(cluster.server().clusterDns().serviceIp(), 53)
                : cluster.server().clusterDns().address();
    }

    private static Message query(InetSocketAddress server, boolean tcp, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    private static Pod demoPod(String name, String app) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("app")
                .withImage("process").withCommand("drover", "demo-app")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .addNewEnv().withName("READY_FILE").withValue(dir.resolve(name).toString()).endEnv()
                // Ready while the test's file exists and the app accepts connections on its port.
                .withNewReadinessProbe().withNewExec().withCommand("bash", "-c",
                        "test -f \"$READY_FILE\" && exec 3<>\"/dev/tcp/127.0.0.1/$PORT\"").endExec()
                .withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build();
    }

    private static Service service(String name, String app, String type) {
        return new ServiceBuilder().withNewMetadata().withName(name)
                .addToLabels("extra", String.valueOf(!name.equals("web"))).endMetadata()
                .withNewSpec().withType(type).addToSelector("app", app)
                .addNewPort().withName("http").withPort(8080).withNewTargetPort("http").endPort().endSpec().build();
    }

    private static String clusterIp(String service) {
        return client.services().inNamespace("default").withName(service).get().getSpec().getClusterIP();
    }

    /** Where this node's proxy serves a Service's port 8080 (the ClusterIP, or its 127.x twin rootless). */
    private static InetSocketAddress clusterAddress(String service) throws IOException {
        return new InetSocketAddress(proxy.listenAddress(clusterIp(service)), 8080);
    }

    private static boolean proxyListens(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One HTTP/1.0 request on a new connection; the replica that answered. */
    private static String get(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int hello = response.indexOf("Hello from ");
            if (!response.startsWith("HTTP/1.1 200") || hello < 0) {
                throw new IOException("unexpected response: " + response);
            }
            return response.substring(hello + "Hello from ".length()).strip();
        }
    }

    private static List<Endpoint> endpoints(String service) {
        return client.discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", service).list().getItems().stream()
                .flatMap(s -> s.getEndpoints() == null ? Stream.empty() : s.getEndpoints().stream()).toList();
    }

    private static EndpointSlice sliceOf(String service, String pod) {
        return client.discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", service).list().getItems().stream()
                .filter(s -> s.getEndpoints() != null && s.getEndpoints().stream()
                        .anyMatch(e -> e.getTargetRef() != null && e.getTargetRef().getName().equals(pod)))
                .findFirst().orElse(null);
    }

    private static String phase(String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        return p == null || p.getStatus() == null || p.getStatus().getPhase() == null ? "" : p.getStatus().getPhase();
    }

    private static boolean ready(Pod pod) {
        return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private static void deletePod(String name) {
        client.pods().inNamespace("default").withName(name).withGracePeriod(0).delete();
        await().atMost(WAIT).until(() -> client.pods().inNamespace("default").withName(name).get() == null);
    }

    /** The pid of a pod's running task, from the handle the agent persisted (DATA_DIR/pods/NS_NAME_UID/...). */
    private static long taskPid(String pod) throws IOException {
        try (Stream<Path> files = Files.walk(cluster.dataDir().resolve("pods"))) {
            Path handle = files.filter(f -> f.getFileName().toString().equals("handle.json"))
                    .filter(f -> f.getParent().getParent().getFileName().toString().startsWith("default_" + pod + "_"))
                    .findFirst().orElseThrow();
            return TaskHandle.fromJson(Files.readString(handle)).pid();
        }
    }

    /** The host's search domains as the kubelet appends them (" a b"), or "" for none. */
    private static String searchesOf(String resolvConf) {
        String searches = "";
        for (String line : resolvConf.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 1 && (fields[0].equals("search") || fields[0].equals("domain"))) {
                searches = " " + String.join(" ", List.of(fields).subList(1, fields.length));
            }
        }
        return searches;
    }
}
