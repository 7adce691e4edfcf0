package io.drover.agent.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.ports.HostPortAnnotation;
import io.drover.ports.PodPorts;
import io.drover.ports.PortAssignment;
import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.TempDirs;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host ports end to end: real servers in pods, each listening on the port the agent gave it. The
 * cluster's range has two ports only, so a third pod has to wait for one of them to be released.
 * The server is a single-file Java program run by this JVM's own java, the one program every
 * machine that runs these tests has.
 */
class HostPortsIT {
    private static final String SERVER = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            import java.nio.charset.StandardCharsets;

            public class Serve {
                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[0])), 0);
                    server.createContext("/", exchange -> {
                        byte[] body = (System.getenv("HOSTNAME") + " " + System.getenv("PORT") + " " + args[1])
                                .getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                        exchange.close();
                    });
                    server.start();
                }
            }
            """;

    private static Path programDir;
    private static PortRange range;
    private static TestCluster cluster;
    private static KubernetesClient client;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        programDir = TempDirs.create("host-ports-program");
        Files.writeString(programDir.resolve("Serve.java"), SERVER);
        range = twoFreePorts();
        cluster = TestCluster.start(options -> options.withHostPortRange(range));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        TempDirs.delete(programDir);
    }

    /** Each test starts with both ports of the range free. */
    @AfterEach
    void deleteEverything() {
        for (var d : client.apps().deployments().inNamespace("default").list().getItems()) {
            client.apps().deployments().inNamespace("default").withName(d.getMetadata().getName()).delete();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (Pod p : client.pods().inNamespace("default").list().getItems()) {
                client.pods().inNamespace("default").withName(p.getMetadata().getName()).withGracePeriod(0).delete();
            }
            return client.apps().replicaSets().inNamespace("default").list().getItems().isEmpty();
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace("default").list().getItems()
                .isEmpty());
    }

    @Test
    void twoDeploymentsAskingForTheSameContainerPortBothRun() throws Exception {
        for (String name : List.of("alpha", "beta")) {
            client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
                    .withNewMetadata().withName(name).endMetadata()
                    .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withTemplate(template(name)).endSpec().build()).create();
        }
        Pod alpha = awaitServing("alpha");
        Pod beta = awaitServing("beta");
        int alphaPort = hostPort(alpha);
        int betaPort = hostPort(beta);
        assertThat(alphaPort).isNotEqualTo(betaPort);
        assertThat(List.of(alphaPort, betaPort)).allMatch(range::contains);
        assertThat(get(alphaPort)).isEqualTo(alpha.getMetadata().getName() + " " + alphaPort + " " + alphaPort);
        assertThat(get(betaPort)).isEqualTo(beta.getMetadata().getName() + " " + betaPort + " " + betaPort);
        assertThat(alpha.getStatus().getPodIP()).isEqualTo(alpha.getStatus().getHostIP());

        // A restarted container keeps its port.
        long pid = TaskHandle.fromJson(Files.readString(containerDir(alpha).resolve("handle.json"))).pid();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ContainerStatus s = status(pod(alpha.getMetadata().getName()));
            return s != null && s.getRestartCount() == 1 && s.getState().getRunning() != null;
        });
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> get(alphaPort).startsWith(alpha.getMetadata().getName() + " " + alphaPort));
        assertThat(hostPort(pod(alpha.getMetadata().getName()))).isEqualTo(alphaPort);

        // Both ports are held: a third pod waits, with the reason and an event saying why.
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("gamma")
                .addToLabels("app", "gamma").endMetadata().withSpec(template("gamma").getSpec()).build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ContainerStatus s = status(pod("gamma"));
            return s != null && s.getState().getWaiting() != null
                    && "CreateContainerConfigError".equals(s.getState().getWaiting().getReason())
                    && s.getState().getWaiting().getMessage().startsWith("no free host port in range " + range);
        });
        assertThat(client.v1().events().inNamespace("default").list().getItems()).anyMatch(e ->
                "gamma".equals(e.getInvolvedObject().getName()) && "Failed".equals(e.getReason())
                        && e.getMessage().startsWith("Error: no free host port in range " + range));
        // Told again at each attempt, as the kubelet's startContainer records it: the event counts the repeats.
        await().atMost(Duration.ofSeconds(30)).until(() -> client.v1().events().inNamespace("default").list()
                .getItems().stream().anyMatch(e -> "gamma".equals(e.getInvolvedObject().getName())
                        && "Failed".equals(e.getReason()) && e.getCount() != null && e.getCount() >= 2));

        // Scaling alpha to zero deletes its pod, which releases its port for gamma.
        // kubectl scale's merge patch of /scale: no resourceVersion to conflict with status writes
        client.apps().deployments().inNamespace("default").withName("alpha").subresource("scale")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace("default")
                .withLabel("app", "alpha").list().getItems().isEmpty());
        Pod gamma = awaitServing("gamma");
        assertThat(hostPort(gamma)).isEqualTo(alphaPort);
        assertThat(get(alphaPort)).isEqualTo("gamma " + alphaPort + " " + alphaPort);
    }

    @Test
    void kubectlDescribeShowsTheHostPorts() throws Exception {
        Path kubectl = Requirements.kubectl();
        Path cache = TempDirs.create("kubectl-cache");
        try {
            client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("described")
                    .endMetadata().withNewSpec().withRuntimeClassName("process").addNewContainer().withName("main")
                    .withCommand("sleep", "1000").addNewPort().withName("web").withContainerPort(80).endPort()
                    .endContainer().endSpec().build()).create();
            await().atMost(Duration.ofSeconds(30)).until(() -> PodPorts.of(pod("described")).complete());
            int port = hostPort(pod("described"));
            Kubectl.Run describe = new Kubectl(kubectl, cluster.server().kubeconfig(), cache)
                    .run("describe", "pod", "described").requireSuccess();
            assertThat(describe.stdout()).containsPattern(
                    "Annotations:\\s+" + HostPortAnnotation.KEY.replace(".", "\\.") + ": web:80/TCP=" + port);
        } finally {
            TempDirs.delete(cache);
        }
    }

    @Test
    void aMissingConfigMapHoldsTheContainerUntilItExists() throws Exception {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("configured")
                .endMetadata().withNewSpec().withRuntimeClassName("process").addNewContainer().withName("server")
                .withCommand("sh", "-c", "echo \"$MODE $(MODE) $(PORT)\"; exec sleep 1000")
                .addNewPort().withContainerPort(8080).endPort()
                .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef().withName("settings")
                .withKey("mode").endConfigMapKeyRef().endValueFrom().endEnv()
                .endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ContainerStatus s = status(pod("configured"));
            return s != null && s.getState().getWaiting() != null
                    && "CreateContainerConfigError".equals(s.getState().getWaiting().getReason())
                    && "configmap \"settings\" not found".equals(s.getState().getWaiting().getMessage());
        });
        assertThat(pod("configured").getStatus().getPhase()).isEqualTo("Pending");

        client.configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("settings").endMetadata().addToData("mode", "fast").build()).create();
        try {
            await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> !client.pods().inNamespace("default")
                    .withName("configured").getLog().isEmpty());
            int port = hostPort(pod("configured"));
            assertThat(client.pods().inNamespace("default").withName("configured").getLog())
                    .isEqualTo("fast fast " + port + "\n");
        } finally {
            client.configMaps().inNamespace("default").withName("settings").delete();
        }
    }

    private static PodTemplateSpec template(String app) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata()
                .withNewSpec().withRuntimeClassName("process").withTerminationGracePeriodSeconds(2L)
                .addNewContainer().withName("server")
                .withCommand(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", programDir.resolve("Serve.java").toString())
                .withArgs("$(PORT_HTTP)", "$(PORT)")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .endContainer().endSpec().build();
    }

    /** The one pod with label app=NAME once it answers on the host port its annotation names. */
    private static Pod awaitServing(String app) {
        Pod[] found = new Pod[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            List<Pod> pods = client.pods().inNamespace("default").withLabel("app", app).list().getItems();
            if (pods.size() != 1) {
                return false;
            }
            found[0] = pods.get(0);
            return get(hostPort(found[0])).startsWith(found[0].getMetadata().getName() + " ");
        });
        return found[0];
    }

    private static int hostPort(Pod pod) {
        return PodPorts.of(pod).forTarget(new IntOrString(pod.getSpec().getContainers().get(0).getPorts().get(0)
                .getContainerPort()), "TCP").orElseThrow();
    }

    private static String get(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Pod pod(String name) {
        return client.pods().inNamespace("default").withName(name).get();
    }

    private static ContainerStatus status(Pod p) {
        return p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                || p.getStatus().getContainerStatuses().isEmpty() ? null : p.getStatus().getContainerStatuses().get(0);
    }

    private static Path containerDir(Pod p) {
        return cluster.dataDir().resolve("pods").resolve(p.getMetadata().getNamespace() + "_"
                + p.getMetadata().getName() + "_" + p.getMetadata().getUid()).resolve("server");
    }

    /** Two adjacent ports of the default range that nothing listens on now. */
    private static PortRange twoFreePorts() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(PortRange.DEFAULT.first(), PortRange.DEFAULT.last());
            if (free(first) && free(first + 1)) {
                return new PortRange(first, first + 1);
            }
        }
        throw new IllegalStateException("no two free adjacent ports in " + PortRange.DEFAULT);
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
