package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.testing.PodProcesses;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Deployment's replicas as real processes: scaling moves the number of running processes, and
 * a deleted pod's process is stopped while a replacement starts.
 */
class DeploymentProcessesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    @Test
    void scalingFromZeroToFiveToTwoStartsAndStopsProcesses() {
        CLUSTER.client().apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
                .withNewMetadata().withName("counted").endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "counted").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "counted").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> runningPods("counted").isEmpty());

        scale("counted", 5);
        await().atMost(WAIT).until(() -> runningPods("counted").size() == 5 && livePids("counted").size() == 5);
        Set<Long> fivePids = livePids("counted");

        scale("counted", 2);
        await().atMost(WAIT).until(() -> runningPods("counted").size() == 2 && livePids("counted").size() == 2);
        Set<Long> twoPids = livePids("counted");
        assertThat(fivePids).containsAll(twoPids);
        assertThat(fivePids.stream().filter(pid -> !twoPids.contains(pid))).hasSize(3).noneMatch(this::alive);

        CLUSTER.client().apps().deployments().inNamespace("default").withName("counted").delete();
        await().atMost(WAIT).until(() -> fivePids.stream().noneMatch(this::alive));
    }

    @Test
    void aDeletedPodsProcessStopsAndAReplacementRuns() {
        CLUSTER.client().apps().deployments().inNamespace("default").resource(new DeploymentBuilder()
                .withNewMetadata().withName("replaced").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "replaced").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "replaced").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(WAIT).until(() -> runningPods("replaced").size() == 1 && livePids("replaced").size() == 1);
        Pod victim = runningPods("replaced").get(0);
        long victimPid = livePids("replaced").iterator().next();

        CLUSTER.client().pods().inNamespace("default").withName(victim.getMetadata().getName()).delete();

        await().atMost(WAIT).until(() -> !alive(victimPid) && runningPods("replaced").size() == 1
                && !runningPods("replaced").get(0).getMetadata().getName().equals(victim.getMetadata().getName())
                && livePids("replaced").size() == 1);
        Set<Long> replacement = livePids("replaced");
        CLUSTER.client().apps().deployments().inNamespace("default").withName("replaced").delete();
        await().atMost(WAIT).until(() -> replacement.stream().noneMatch(this::alive));
    }

    private static List<Pod> runningPods(String app) {
        return CLUSTER.client().pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                        && p.getStatus().getContainerStatuses() != null
                        && p.getStatus().getContainerStatuses().stream().allMatch(s -> s.getState().getRunning() != null))
                .toList();
    }

    /** What {@code kubectl scale} sends: a merge patch of /scale, without a resourceVersion. */
    private static void scale(String name, int replicas) {
        CLUSTER.client().apps().deployments().inNamespace("default").withName(name).subresource("scale")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    /** The live processes of the pods labelled app=APP (also those being deleted), by their task handles. */
    private Set<Long> livePids(String app) {
        Set<String> uids = CLUSTER.client().pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
                .map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        return PodProcesses.handles(CLUSTER.cluster().dataDir()).stream()
                .filter(h -> uids.contains(h.taskId().substring(0, h.taskId().indexOf('_'))))
                .map(TaskHandle::pid).filter(this::alive).collect(Collectors.toSet());
    }

    private boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
