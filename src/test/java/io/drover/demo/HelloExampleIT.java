package io.drover.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** examples/hello.yaml, the quick start's manifest, against a real server that runs its pods. */
class HelloExampleIT {
    private static final Path HELLO = Path.of("examples/hello.yaml");
    /** The port allocation's record on the pod: {@code http:8080/TCP=<host port>}. */
    private static final String HOST_PORTS = "drover.io/host-ports";
    private static final Pattern HTTP_HOST_PORT = Pattern.compile("(?:^|,)http:8080/TCP=(\\d+)");

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(); // its close stops every pod's process (stopPodsOnClose)
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void deleteEverything() {
        CLUSTER.client().apps().deployments().inNamespace("default").delete();
        CLUSTER.client().services().inNamespace("default").withName("hello").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> CLUSTER.client().pods().inNamespace("default").list()
                .getItems().isEmpty());
    }

    @Test
    void manifestIsAcceptedAndItsReplicasAreScheduledToRunTheDemoApp() throws Exception {
        List<HasMetadata> objects = load();
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Deployment", "Service");
        objects.forEach(o -> CLUSTER.client().resource(o).inNamespace("default").create());

        Service service = CLUSTER.client().services().inNamespace("default").withName("hello").get();
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Pod> pods = pods();
            assertThat(pods).hasSize(3).allSatisfy(p -> {
                assertThat(p.getSpec().getNodeName()).isEqualTo(CLUSTER.cluster().server().nodeName());
                assertThat(p.getSpec().getContainers().get(0).getCommand()).containsExactly("drover", "demo-app");
            });
        });
    }

    /**
     * The whole quick start: every replica becomes Ready through its readiness probe and answers
     * on the host port allocated for containerPort http.
     */
    @Test
    void replicasBecomeReadyAndAnswerOnTheirAllocatedPorts() throws Exception {
        // Needs port allocation and probes (issue #4, other branches): until they are merged the
        // replicas get no PORT. TODO(merge): remove this assumption once ports and probes are in.
        Assumptions.assumeTrue(present("io.drover.ports.HostPortAnnotation"),
                "port allocation is not built yet: the replicas of hello.yaml get no PORT");
        load().forEach(o -> CLUSTER.client().resource(o).inNamespace("default").create());
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                assertThat(pods()).hasSize(3).allMatch(HelloExampleIT::ready));
        for (Pod pod : pods()) {
            String ports = pod.getMetadata().getAnnotations().get(HOST_PORTS);
            Matcher m = HTTP_HOST_PORT.matcher(ports == null ? "" : ports);
            assertThat(m.find()).as("%s: %s", HOST_PORTS, ports).isTrue();
            assertThat(get(Integer.parseInt(m.group(1)), "/"))
                    .contains("Hello from " + pod.getMetadata().getName() + " (version 1)\n");
        }
    }

    /**
     * The part of the quick start that needs no port allocation: the hello Deployment with the port
     * given by hand runs {@code drover} found on the pod's PATH, answers with the pod's name, and a
     * replica killed with SIGKILL is restarted and answers again.
     */
    @Test
    void droverOnThePodsPathRunsTheDemoAppAndAKilledReplicaComesBack() throws Exception {
        int port = freePort();
        Deployment hello = (Deployment) load().get(0);
        hello.getSpec().setReplicas(1);
        Container c = hello.getSpec().getTemplate().getSpec().getContainers().get(0);
        c.setPorts(List.of());
        c.setReadinessProbe(null);
        c.setLivenessProbe(null);
        c.getEnv().add(new EnvVar("PORT", Integer.toString(port), null));
        CLUSTER.client().resource(hello).inNamespace("default").create();

        await().atMost(Duration.ofSeconds(60)).until(() -> pods().size() == 1 && ready(pods().get(0)));
        Pod pod = pods().get(0);
        String expected = "Hello from " + pod.getMetadata().getName() + " (version 1)\n";
        await().atMost(Duration.ofSeconds(30)).until(() -> expected.equals(get(port, "/").orElse(null)));

        long pid = pid(pod);
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Pod now = pods().get(0);
            return now.getStatus().getContainerStatuses().get(0).getRestartCount() == 1 && ready(now);
        });
        assertThat(pods().get(0).getMetadata().getName()).isEqualTo(pod.getMetadata().getName());
        await().atMost(Duration.ofSeconds(30)).until(() -> expected.equals(get(port, "/").orElse(null)));
        assertThat(pid(pods().get(0))).isNotEqualTo(pid);
    }

    private static List<HasMetadata> load() throws IOException {
        try (InputStream in = Files.newInputStream(HELLO)) {
            return CLUSTER.client().load(in).items();
        }
    }

    private static List<Pod> pods() {
        return CLUSTER.client().pods().inNamespace("default").withLabel("app", "hello").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static boolean ready(Pod pod) {
        List<PodCondition> conditions = pod.getStatus() == null ? null : pod.getStatus().getConditions();
        return conditions != null && conditions.stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    /** The pid of the pod's process, from the handle the agent persisted next to its log. */
    private static long pid(Pod pod) throws IOException {
        Path dir = CLUSTER.cluster().dataDir().resolve("pods").resolve("default_" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getUid()).resolve("hello");
        return TaskHandle.fromJson(Files.readString(dir.resolve("handle.json"))).pid();
    }

    private Optional<String> get(int port, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
