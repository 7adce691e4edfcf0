package io.drover.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogRunSelectionTest {

    @Test
    void aRunningContainerReadsItsRunAndPreviousTheOneBefore() {
        ContainerStatus running = new ContainerStatusBuilder().withName("c").withRestartCount(2).withNewState()
                .withNewRunning().endRunning().endState().withNewLastState().withNewTerminated().withExitCode(1)
                .endTerminated().endLastState().build();
        assertThat(LogRunSelection.choose("p", "c", running, List.of(1, 2), false).run()).isEqualTo(2);
        assertThat(LogRunSelection.choose("p", "c", running, List.of(1, 2), true).run()).isEqualTo(1);
    }

    @Test
    void withoutAnEndedRunPreviousIsRefusedAsTheKubeletWordsIt() {
        ContainerStatus running = new ContainerStatusBuilder().withName("c").withRestartCount(0).withNewState()
                .withNewRunning().endRunning().endState().build();
        assertThat(LogRunSelection.choose("p", "c", running, List.of(0), true).error())
                .isEqualTo("previous terminated container \"c\" in pod \"p\" not found");
    }

    @Test
    void whileWaitingToRestartBothReadTheRunThatEnded() {
        ContainerStatus backoff = new ContainerStatusBuilder().withName("c").withRestartCount(3).withNewState()
                .withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().withNewLastState()
                .withNewTerminated().withExitCode(1).endTerminated().endLastState().build();
        assertThat(LogRunSelection.choose("p", "c", backoff, List.of(2, 3), false).run()).isEqualTo(3);
        assertThat(LogRunSelection.choose("p", "c", backoff, List.of(2, 3), true).run()).isEqualTo(3);
    }

    @Test
    void aContainerThatNeverRanIsWaitingToStart() {
        ContainerStatus waiting = new ContainerStatusBuilder().withName("c").withRestartCount(0).withNewState()
                .withNewWaiting().withReason("CreateContainerError").endWaiting().endState().build();
        assertThat(LogRunSelection.choose("p", "c", waiting, List.of(), false).error())
                .isEqualTo("container \"c\" in pod \"p\" is waiting to start: CreateContainerError");
        assertThat(LogRunSelection.choose("p", "c", null, List.of(), false).error())
                .isEqualTo("container \"c\" in pod \"p\" is not available");
    }
}
