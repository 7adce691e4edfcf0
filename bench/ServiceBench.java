// The set-up half of bench/service-bench.sh and bench/dns-bench.sh, run against a running
// `drover server` on this machine (fabric8 client and dnsjava from target/drover.jar). The
// measuring is done by wrk, HAProxy and dnsperf in the scripts; this only creates the objects and
// waits until the data path serves them. Progress on stderr, results on stdout:
//
//   java -cp target/drover.jar bench/ServiceBench.java proxy --data-dir DIR --backend 'SHELL COMMAND'
//       3 replicas of the backend (it listens on $PORT) behind a NodePort Service; once the proxy
//       has reached all three through the ClusterIP, prints one line:
//       CLUSTER_ADDRESS:PORT NODE_PORT ENDPOINT ENDPOINT ENDPOINT FREE_PORT
//       (the ClusterIP, or its 127.x twin when the proxy runs rootless; the endpoints as the
//       EndpointSlice has them; a free loopback port for the HAProxy the script starts)
//   java -cp target/drover.jar bench/ServiceBench.java dns --data-dir DIR --dns HOST:PORT \
//       --queries FILE [--namespaces N] [--services M]
//       M Services with two named ports in each of N namespaces; once the DNS server answers
//       the last one, writes dnsperf's query file: an A and an SRV question per Service
//
// Not a test; not part of `mvn test`.

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

public class ServiceBench {
    static final String NS = "default";
    static final String NAME = "bench-backend";
    static final long POLL_MS = 50;
    static final long TIMEOUT_MS = 120_000;

    static String mode = "";

    public static void main(String[] args) throws Exception {
        mode = args.length == 0 ? "" : args[0];
        Path dataDir = null;
        String backend = null;
        String dns = null;
        Path queries = null;
        int namespaces = 5;
        int services = 10;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--backend" -> backend = args[++i];
                case "--dns" -> dns = args[++i];
                case "--queries" -> queries = Path.of(args[++i]);
                case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
                case "--services" -> services = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Config config = Config.fromKubeconfig(Files.readString(dataDir.resolve("kubeconfig")));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            switch (mode) {
                case "proxy" -> proxy(client, backend);
                case "dns" -> dns(client, dns, queries, namespaces, services);
                default -> throw new IllegalArgumentException("first argument: proxy or dns");
            }
        }
    }

    static void proxy(KubernetesClient client, String backend) throws Exception {
        var container = new io.fabric8.kubernetes.api.model.ContainerBuilder()
                .withName("backend").withCommand("sh", "-c", backend)
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString("http")).endTcpSocket()
                .withPeriodSeconds(1).endReadinessProbe()
                .build();
        client.resource(new DeploymentBuilder().withNewMetadata().withName(NAME).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", NAME).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", NAME).endMetadata()
                .withNewSpec().withContainers(container).withTerminationGracePeriodSeconds(2L).endSpec()
                .endTemplate().endSpec().build()).create();
        Service service = client.resource(new ServiceBuilder().withNewMetadata().withName(NAME).withNamespace(NS)
                .endMetadata().withNewSpec().withType("NodePort").addToSelector("app", NAME)
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                .endSpec().build()).create();
        String clusterIp = service.getSpec().getClusterIP();
        int port = service.getSpec().getPorts().get(0).getPort();
        int nodePort = service.getSpec().getPorts().get(0).getNodePort();

        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        List<String> endpoints = readyEndpoints(client);
        while (endpoints.size() < 3) {
            check(deadline, endpoints.size() + " of 3 endpoints ready");
            Thread.sleep(POLL_MS);
            endpoints = readyEndpoints(client);
        }
        log("endpoints %s", endpoints);
        // The proxy listens on the ClusterIP itself as root and on its 127.x twin rootless; either
        // way it is ready once three connections in a row reached three different backends (the
        // backend answers with its own port, and round robin is the default).
        String twin = "127." + clusterIp.substring(clusterIp.indexOf('.') + 1);
        String reached = null;
        while (reached == null) {
            for (String address : List.of(clusterIp, twin)) {
                Set<String> answers = new TreeSet<>();
                for (int i = 0; i < 3; i++) {
                    String body = get(address, port);
                    if (body != null) {
                        answers.add(body);
                    }
                }
                if (answers.size() == 3) {
                    reached = address;
                    break;
                }
            }
            check(deadline, "the proxy reaching all three backends through " + clusterIp + ":" + port);
            if (reached == null) {
                Thread.sleep(POLL_MS);
            }
        }
        log("the proxy reaches all three backends through %s:%d", reached, port);
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        System.out.println(reached + ":" + port + " " + nodePort + " " + String.join(" ", endpoints) + " " + free);
    }

    static List<String> readyEndpoints(KubernetesClient client) {
        List<String> out = new ArrayList<>();
        for (EndpointSlice slice : client.discovery().v1().endpointSlices().inNamespace(NS)
                .withLabel("kubernetes.io/service-name", NAME).list().getItems()) {
            if (slice.getPorts() == null || slice.getPorts().isEmpty() || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (endpoint.getConditions() != null && Boolean.TRUE.equals(endpoint.getConditions().getReady())) {
                    out.add(endpoint.getAddresses().get(0) + ":" + slice.getPorts().get(0).getPort());
                }
            }
        }
        return out;
    }

    /** One HTTP/1.0 GET of "/"; the body, or null when the connection failed or was closed early. */
    static String get(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int body = response.indexOf("\r\n\r\n");
            return response.startsWith("HTTP/1.1 200") && body >= 0 ? response.substring(body + 4).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void dns(KubernetesClient client, String server, Path queries, int namespaces, int services)
            throws Exception {
        List<String> lines = new ArrayList<>();
        String last = null;
        for (int n = 0; n < namespaces; n++) {
            String ns = "bench-dns-" + n;
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            for (int s = 0; s < services; s++) {
                String name = "svc-" + s;
                client.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                        .withNewSpec().addToSelector("app", name)
                        .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                        .addNewPort().withName("grpc").withPort(9090).withTargetPort(new IntOrString(9090)).endPort()
                        .endSpec().build()).create();
                last = name + "." + ns + ".svc.cluster.local.";
                lines.add(last + " A");
                lines.add("_http._tcp." + last + " SRV");
            }
        }
        log("%d Services in %d namespaces", namespaces * services, namespaces);
        SimpleResolver resolver = new SimpleResolver(server.substring(0, server.lastIndexOf(':')));
        resolver.setPort(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        resolver.setTimeout(java.time.Duration.ofSeconds(1));
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        Name lastName = Name.fromString(last);
        while (true) {
            Message answer = resolver.send(Message.newQuery(Record.newRecord(lastName, Type.A, 1)));
            if (answer.getRcode() == Rcode.NOERROR && answer.getSection(1).size() == 1) {
                break;
            }
            check(deadline, "the DNS server answering " + last);
            Thread.sleep(POLL_MS);
        }
        log("the DNS server answers %s", last);
        Files.write(queries, lines);
    }

    static void check(long deadline, String what) {
        if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("timed out: " + what);
        }
    }

    static void log(String format, Object... args) {
        System.err.printf((mode.equals("dns") ? "dns-bench: " : "service-bench: ") + format + "%n", args);
    }
}
