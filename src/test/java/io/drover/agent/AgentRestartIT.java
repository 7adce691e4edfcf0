package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.testing.PodProcesses;
import io.drover.testing.ServerProcess;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a real {@code drover server} process, then a new one on the same data dir: the pods'
 * processes outlive the crash and the new node agent adopts them (same pid, no restart).
 */
class AgentRestartIT {

    @Test
    void podsSurviveAServerKilledWithSigkillAndAreAdoptedBySameProcess() throws Exception {
        ServerProcess first = ServerProcess.start();
        ServerProcess second = null;
        try {
            Map<String, Long> pidsBefore;
            try (KubernetesClient client = clientOf(first)) {
                client.apps().deployments().inNamespace("default").resource(sleeper("survivor", 2)).create();
                await().atMost(Duration.ofSeconds(60)).until(() -> running(client).size() == 2);
                pidsBefore = pidsByTask(first);
                assertThat(pidsBefore).hasSize(2);
            }

            first.kill9();
            assertThat(pidsBefore.values()).allMatch(AgentRestartIT::alive);

            second = first.restart();
            try (KubernetesClient client = clientOf(second)) {
                ServerProcess restarted = second;
                // Adopted: the same two processes, still running, never restarted; and they stay so.
                await().atMost(Duration.ofSeconds(60)).until(() -> running(client).size() == 2
                        && pidsByTask(restarted).equals(pidsBefore));
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                        running(client).size() == 2 && running(client).stream().allMatch(s -> s.getRestartCount() == 0)
                        && pidsByTask(restarted).equals(pidsBefore));
                assertThat(pidsBefore.values()).allMatch(AgentRestartIT::alive);

                client.apps().deployments().inNamespace("default").withName("survivor").delete();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        pidsBefore.values().stream().noneMatch(AgentRestartIT::alive));
            }
        } finally {
            if (second != null) {
                second.close();
            } else {
                first.close();
            }
        }
    }

    private static List<ContainerStatus> running(KubernetesClient client) {
        return client.pods().inNamespace("default").withLabel("app", "survivor").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(Pod::getStatus).filter(s -> s != null && s.getContainerStatuses() != null)
                .flatMap(s -> s.getContainerStatuses().stream())
                .filter(s -> s.getState() != null && s.getState().getRunning() != null).toList();
    }

    private static Map<String, Long> pidsByTask(ServerProcess server) {
        return PodProcesses.handles(server.dataDir()).stream()
                .collect(Collectors.toMap(TaskHandle::taskId, TaskHandle::pid));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Deployment sleeper(String name, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    private static KubernetesClient clientOf(ServerProcess server) throws Exception {
        Config config = Config.fromKubeconfig(null, Files.readString(server.kubeconfig()), null);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
