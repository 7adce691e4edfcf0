package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.process.PodResolvConfMount;
import io.drover.api.service.ServiceCidr;
import io.drover.api.service.ServiceRanges;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A process pod on a root node resolves cluster names with its host's ordinary resolver: its
 * /etc/resolv.conf (private to the pod) names the kube-dns ClusterIP, whose port 53 the node's
 * service proxy forwards to the DNS server (here on a free port of 127.0.0.1). The cluster has a
 * service CIDR of its own, so another drover on the machine cannot hold that ClusterIP.
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
        String hostResolvConf = Files.readString(Path.of("/etc/resolv.conf"));
        upstream = new FakeUpstreamDns(Map.of("www.example.test.", "192.0.2.7"));
        String prefix = "10." + ThreadLocalRandom.current().nextInt(100, 200);
        cluster = TestCluster.start(o -> o.withClusterDns(ClusterDnsOptions.defaults().withAddress("127.0.0.1", 0)
                .withUpstreams(List.of(upstream.address()))).withServiceRanges(new ServiceRanges(
                        ServiceCidr.parse(prefix + ".0.0/16"), ServiceRanges.DEFAULT.nodePorts())));
        Assumptions.assumeTrue(cluster.server().serviceProxy().servesClusterIps(),
                "the service proxy could not add the service CIDR's local route");
        String kubeDns = cluster.server().clusterDns().serviceIp();
        assertThat(kubeDns).as("the range's tenth address, as kubeadm and k3s").isEqualTo(prefix + ".0.10");
        KubernetesClient client = cluster.client();
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("web", "default", prefix + ".0.50", "http", "TCP", 80)).create();

        Pod pod = new PodBuilder().withNewMetadata().withName("resolver").withNamespace("default").endMetadata()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage("process")
                .withCommand("sh", "-c", "cat /etc/resolv.conf; getent hosts web; getent hosts www.example.test; "
                        + "sleep 1000")
                .endContainer().endSpec().build();
        client.pods().inNamespace("default").resource(pod).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            String log = client.pods().inNamespace("default").withName("resolver").getLog();
            assertThat(log).contains("nameserver " + kubeDns + "\n",
                    "search default.svc.cluster.local svc.cluster.local cluster.local", "options ndots:5",
                    "192.0.2.7       www.example.test");
            // getent pads the address to 15 columns; the prefix's length varies.
            assertThat(log).containsPattern(prefix.replace(".", "\\.") + "\\.0\\.50 +web\\.default\\.svc\\.cluster\\.local");
        });
        assertThat(Files.readString(Path.of("/etc/resolv.conf"))).isEqualTo(hostResolvConf);
    }
}
