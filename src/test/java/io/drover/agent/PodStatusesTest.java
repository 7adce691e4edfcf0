package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.agent.probe.ContainerHealth;
import io.drover.agent.runtime.TaskHandle;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod status the agent computes from what it knows of the containers, without a server. */
class PodStatusesTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final String UID = "0b0c";

    private final Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid(UID)
            .endMetadata().withNewSpec().withRestartPolicy("Always")
            .addNewInitContainer().withName("setup").withCommand("true").endInitContainer()
            .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer().endSpec().build();
    private final PodWorker.PodRun run = new PodWorker.PodRun(UID, "default", "p", NOW.minusSeconds(3));

    private ContainerRun container(String name) {
        ContainerRun cr = new ContainerRun(UID + "_" + name, RestartBackoffPolicy.DEFAULT);
        run.containers.put(name, cr);
        return cr;
    }

    private static void running(ContainerRun cr, Instant since) {
        cr.mode = ContainerRun.Mode.RUNNING;
        cr.handle = new TaskHandle("process", cr.taskId, 42, 7, Map.of());
        cr.startedAt = since;
        cr.waitingReason = null;
    }

    private PodStatus build() {
        return PodStatuses.build(pod, run, "10.0.0.1", NOW,
                (c, cr) -> cr.mode == ContainerRun.Mode.RUNNING ? ContainerHealth.UNPROBED : ContainerHealth.NOT_RUNNING);
    }

    @Test
    void aRunningRegularInitContainerIsStartedButNotReady() {
        running(container("setup"), NOW);
        container("main").waitingReason = "PodInitializing";

        ContainerStatus setup = build().getInitContainerStatuses().get(0);

        // prober_manager's UpdatePodStatus: isContainerStarted for init containers too; ready only once it succeeded.
        assertThat(setup.getStarted()).isTrue();
        assertThat(setup.getReady()).isFalse();
    }

    @Test
    void thePodStartedWhenTheAgentFirstTookItOnNotWhenItsStatusIsFirstWritten() {
        running(container("setup"), NOW.minusSeconds(2));
        container("main");

        // updateStatusInternal stamps it at the first sync, before any container starts.
        assertThat(build().getStartTime()).isEqualTo("2025-01-02T03:04:02Z");
    }
}
