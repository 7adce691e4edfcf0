package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.ServersOnEtcd;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two API servers on one real etcd (drover's HA mode) creating Services at the same time, each
 * through its own client: no ClusterIP and no NodePort may be handed out twice.
 */
class ServiceAllocationHaIT {
    private static final int THREADS_PER_SERVER = 4;
    private static final int SERVICES_PER_THREAD = 15;

    @RegisterExtension
    static final ServersOnEtcd SERVERS = new ServersOnEtcd();

    private static Service nodePortService(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
                .addNewPort().withName("metrics").withPort(9090).withProtocol("TCP").endPort().endSpec().build();
    }

    @Test
    void servicesCreatedConcurrentlyThroughTwoServersNeverShareAClusterIpOrNodePort() throws Exception {
        TestCluster one = SERVERS.one();
        TestCluster two = SERVERS.two();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        Map<String, KubernetesClient> servers = Map.of("one", one.client(), "two", two.client());
        servers.forEach((server, client) -> {
            for (int t = 0; t < THREADS_PER_SERVER; t++) {
                String prefix = "ha-" + server + "-" + t + "-";
                tasks.add(() -> {
                    start.await();
                    for (int i = 0; i < SERVICES_PER_THREAD; i++) {
                        client.services().inNamespace("default").resource(nodePortService(prefix + i)).create();
                    }
                    return SERVICES_PER_THREAD;
                });
            }
        });
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<Integer>> results = tasks.stream().map(pool::submit).toList();
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(SERVICES_PER_THREAD);
            }
        }

        List<Service> created = one.client().services().inNamespace("default").list().getItems().stream()
                .filter(s -> s.getMetadata().getName().startsWith("ha-")).toList();
        assertThat(created).hasSize(2 * THREADS_PER_SERVER * SERVICES_PER_THREAD);
        Map<String, String> ips = new HashMap<>();
        Map<Integer, String> nodePorts = new HashMap<>();
        for (Service service : two.client().services().inAnyNamespace().list().getItems()) {
            String name = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
            String ip = service.getSpec().getClusterIP();
            if (ip != null && !ip.equals("None")) {
                assertThat(ips.put(ip, name)).as("ClusterIP %s of %s", ip, name).isNull();
            }
            service.getSpec().getPorts().stream().filter(p -> p.getNodePort() != null).forEach(p -> assertThat(
                    nodePorts.put(p.getNodePort(), name)).as("nodePort %s of %s", p.getNodePort(), name).isNull());
        }
        assertThat(nodePorts).hasSizeGreaterThanOrEqualTo(2 * created.size());
    }

    @Test
    void ofTwoServersAskedForOneClusterIpAtOnceExactlyOneGivesIt() throws Exception {
        TestCluster one = SERVERS.one();
        TestCluster two = SERVERS.two();
        for (int round = 0; round < 10; round++) {
            String ip = "10.43.0." + (100 + round);
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (TestCluster server : List.of(one, two)) {
                String name = "explicit-" + round + "-" + (server == one ? "one" : "two");
                Service service = new ServiceBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                        .withClusterIP(ip).addNewPort().withPort(80).withProtocol("TCP").endPort().endSpec().build();
                tasks.add(() -> {
                    start.await();
                    try {
                        server.client().services().inNamespace("default").resource(service).create();
                        return true;
                    } catch (KubernetesClientException e) {
                        assertThat(e.getCode()).isEqualTo(422);
                        assertThat(e.getStatus().getMessage()).endsWith("failed to allocate IP " + ip
                                + ": provided IP is already allocated");
                        return false;
                    }
                });
            }
            List<Boolean> outcomes = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<Boolean>> results = tasks.stream().map(pool::submit).toList();
                start.countDown();
                for (Future<Boolean> result : results) {
                    outcomes.add(result.get());
                }
            }
            assertThat(outcomes).as("round %s for %s", round, ip).containsExactlyInAnyOrder(true, false);
        }
    }
}
