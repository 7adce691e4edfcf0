package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the node's proxy serves ClusterIPs (as root), pods reach the API server as in Kubernetes:
 * through the {@code kubernetes} Service at the first address of the range, port 443, named by
 * KUBERNETES_SERVICE_HOST/PORT, with a serving certificate that names that address.
 */
class KubernetesServiceIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private static Path dir;

    @BeforeAll
    static void createDir() {
        dir = TempDirs.create("drover-kubernetes-svc");
    }

    @AfterAll
    static void deletePodsAndDir() {
        if (CLUSTER.cluster() != null) {
            CLUSTER.deletePods("default");
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                    .commandLine().map(c -> c.contains(dir.toString())).orElse(false)));
        }
        if (dir != null) {
            TempDirs.delete(dir);
        }
    }

    private static void requireClusterIps() {
        Assumptions.assumeTrue(CLUSTER.cluster().server().serviceProxy().servesClusterIps(),
                "the proxy serves ClusterIPs only as root (a local route for the service CIDR)");
    }

    @Test
    void versionIsReachableThroughTheKubernetesClusterIpWithTheClusterCa() throws Exception {
        requireClusterIps();
        HttpRequest version = HttpRequest.newBuilder(URI.create("https://10.43.0.1:443/version"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).timeout(Duration.ofSeconds(5)).build();
        // The JDK client verifies the certificate's IP SAN against 10.43.0.1.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            HttpResponse<String> response = CLUSTER.cluster().httpClient().send(version, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"gitVersion\"");
        });
    }

    @Test
    void podsGetTheKubernetesServiceAddressAndPort443() {
        requireClusterIps();
        Path out = dir.resolve("env");
        CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("api-env")
                .endMetadata().withNewSpec().withRuntimeClassName("process").withTerminationGracePeriodSeconds(5L)
                .withEnableServiceLinks(false).addNewContainer().withName("main").withCommand("sh", "-c",
                        "echo \"$KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT $KUBERNETES_PORT_443_TCP\" > "
                                + out + "; sleep 1000")
                .endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(out).exists().content()
                .isEqualTo("10.43.0.1 443 tcp://10.43.0.1:443\n"));
    }
}
