package io.drover.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.EtcdProcess;
import io.drover.testing.Requirements;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * A write etcd does not answer in time may still land, so it is answered as kube-apiserver answers a
 * request that did not complete (504 Timeout), not as one that was refused (503, "not done").
 */
class EtcdTimeoutIT {

    @Test
    void aWriteEtcdLeavesUnansweredIsATimeoutNotUnavailable() throws Exception {
        Requirements.etcd();
        try (EtcdProcess etcd = EtcdProcess.start();
                TestCluster cluster = TestCluster.start(o -> new ServerOptions(o.dataDir(), o.apiPort(),
                        o.bindAddress(), etcd.endpoint().toString(), o.compactionInterval(), false, o.nodeName(),
                        o.stopPodsOnClose(), o.restartBackoff(), o.kubeletPort(), o.hostPortRange(), o.clusterDns(),
                        o.serviceRanges(), o.kernelForwarding()))) {
            cluster.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("before").endMetadata().build()).create();
            // The server's bound on an etcd request is 10 s; the client waits longer, and does not retry.
            Config config = Config.fromKubeconfig(Files.readString(cluster.server().kubeconfig()));
            config.setRequestTimeout(45_000);
            config.setRequestRetryBackoffLimit(0);
            etcd.pause();
            try (KubernetesClient patient = new KubernetesClientBuilder().withConfig(config).build()) {
                assertThatThrownBy(() -> patient.configMaps().inNamespace("default").resource(
                        new ConfigMapBuilder().withNewMetadata().withName("paused").endMetadata().build()).create())
                        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                            assertThat(e.getCode()).isEqualTo(504);
                            assertThat(e.getStatus().getReason()).isEqualTo("Timeout");
                            assertThat(e.getStatus().getMessage()).isEqualTo("Timeout: request did not complete "
                                    + "within requested timeout - context deadline exceeded");
                        });
                // The readiness check's 2 s bound, worded as kube-apiserver's etcd3 health check words it.
                java.net.http.HttpResponse<String> ready = cluster.httpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(cluster.server().url() + "/readyz/etcd"))
                        .header("Authorization", "Bearer " + cluster.token()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(500);
                assertThat(ready.body()).contains("error getting data from etcd: context deadline exceeded");
            } finally {
                etcd.resume();
            }
        }
    }
}
