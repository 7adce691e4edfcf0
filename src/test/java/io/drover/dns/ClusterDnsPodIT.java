package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.process.PodResolvConfMount;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A process pod on a root node resolves cluster names with its host's ordinary resolver: its
 * /etc/resolv.conf (private to the pod) names the cluster DNS on 127.0.0.1:53.
 */
class ClusterDnsPodIT {
    private FakeUpstreamDns upstream;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        try {
            if (cluster != null) {
                KubernetesClient client = cluster.client();
                client.pods().inNamespace("default").withName("resolver").withGracePeriod(0).delete();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> client.pods().inNamespace("default").withName("resolver").get() == null);
                cluster.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Test
    void podResolvesServiceNamesThroughItsOwnResolvConf() throws Exception {
        Assumptions.assumeTrue(PodResolvConfMount.supported(),
                "a pod's own resolv.conf needs root (mount namespace); running as non-root");
        Assumptions.assumeTrue(port53Free(), "127.0.0.1:53 is taken on this machine");
        String hostResolvConf = Files.readString(Path.of("/etc/resolv.conf"));
        upstream = new FakeUpstreamDns(Map.of("www.example.test.", "192.0.2.7"));
        cluster = TestCluster.start(o -> o.withClusterDns(ClusterDnsOptions.defaults().withAddress("127.0.0.1", 53)
                .withUpstreams(List.of(upstream.address()))));
        KubernetesClient client = cluster.client();
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("web", "default", "10.43.0.50", "http", "TCP", 80)).create();

        Pod pod = new PodBuilder().withNewMetadata().withName("resolver").withNamespace("default").endMetadata()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage("process")
                .withCommand("sh", "-c", "cat /etc/resolv.conf; getent hosts web; getent hosts www.example.test; "
                        + "sleep 1000")
                .endContainer().endSpec().build();
        client.pods().inNamespace("default").resource(pod).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            String log = client.pods().inNamespace("default").withName("resolver").getLog();
            assertThat(log).contains("nameserver 127.0.0.1\n",
                    "search default.svc.cluster.local svc.cluster.local cluster.local", "options ndots:5",
                    "10.43.0.50      web.default.svc.cluster.local", "192.0.2.7       www.example.test");
        });
        assertThat(Files.readString(Path.of("/etc/resolv.conf"))).isEqualTo(hostResolvConf);
    }

    private static boolean port53Free() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
