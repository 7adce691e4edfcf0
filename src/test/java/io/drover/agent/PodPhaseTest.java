package io.drover.agent;

import static io.drover.agent.PodPhase.Container.FAILED;
import static io.drover.agent.PodPhase.Container.RUNNING;
import static io.drover.agent.PodPhase.Container.SUCCEEDED;
import static io.drover.agent.PodPhase.Container.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodPhaseTest {

    @Test
    void aWaitingContainerKeepsThePodPending() {
        assertThat(PodPhase.of("Always", List.of(RUNNING, WAITING))).isEqualTo("Pending");
    }

    @Test
    void aRunningContainerMakesThePodRunning() {
        assertThat(PodPhase.of("Never", List.of(RUNNING, FAILED))).isEqualTo("Running");
    }

    @Test
    void stoppedContainersEndThePodByRestartPolicy() {
        assertThat(PodPhase.of("Never", List.of(SUCCEEDED, FAILED))).isEqualTo("Failed");
        assertThat(PodPhase.of("Never", List.of(SUCCEEDED))).isEqualTo("Succeeded");
        assertThat(PodPhase.of("OnFailure", List.of(SUCCEEDED))).isEqualTo("Succeeded");
        assertThat(PodPhase.of("OnFailure", List.of(FAILED))).isEqualTo("Running");
        assertThat(PodPhase.of("Always", List.of(SUCCEEDED))).isEqualTo("Running");
        assertThat(PodPhase.of(null, List.of(FAILED))).isEqualTo("Running");
    }

    @Test
    void backOffRestartsTheFirstExitAtOnceThenDoublesUpToTheMaximumAndResetsAfterALongRun() {
        RestartBackoff backoff = new RestartBackoff(RestartBackoffPolicy.DEFAULT);
        Duration quick = Duration.ofSeconds(1);
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ZERO);
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 10; i++) {
            backoff.afterExit(quick);
        }
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.afterExit(Duration.ofMinutes(10))).isEqualTo(Duration.ZERO);
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofSeconds(1));
    }
}
