package io.drover.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.agent.probe.ProbeState.Step;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** kubelet's prober worker rules, without threads, I/O or real time. */
class ProbeStateTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static ProbeState state(ProbeKind kind, Probe probe) {
        return new ProbeState(kind, ProbeSettings.of(kind, probe));
    }

    private static Probe probe(int failureThreshold, int successThreshold, int initialDelay) {
        return new ProbeBuilder().withFailureThreshold(failureThreshold).withSuccessThreshold(successThreshold)
                .withInitialDelaySeconds(initialDelay).withPeriodSeconds(1).build();
    }

    @Test
    void defaultsAreKubernetesAndLivenessSuccessThresholdIsAlwaysOne() {
        ProbeSettings liveness = ProbeSettings.of(ProbeKind.LIVENESS, new ProbeBuilder().withSuccessThreshold(3).build());
        assertThat(liveness.period()).isEqualTo(Duration.ofSeconds(10));
        assertThat(liveness.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(liveness.failureThreshold()).isEqualTo(3);
        assertThat(liveness.successThreshold()).isEqualTo(1);
        assertThat(liveness.initialDelay()).isZero();
        assertThat(ProbeSettings.of(ProbeKind.READINESS, new ProbeBuilder().withSuccessThreshold(3).build())
                .successThreshold()).isEqualTo(3);
    }

    @Test
    void readinessIsFailingUntilItsFirstSuccess() {
        ProbeState s = state(ProbeKind.READINESS, probe(3, 1, 0));
        assertThat(s.before("a", T0, true, false, T0)).isEqualTo(Step.PROBE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        s.record(Health.SUCCESS);
        assertThat(s.publishedFor("a")).isEqualTo(Health.SUCCESS);
    }

    @Test
    void onlyConsecutiveFailuresReachTheThreshold() {
        ProbeState s = state(ProbeKind.READINESS, probe(3, 1, 0));
        s.before("a", T0, true, false, T0);
        s.record(Health.SUCCESS);
        s.record(Health.FAILURE);
        s.record(Health.FAILURE);
        s.record(Health.SUCCESS);
        s.record(Health.FAILURE);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.SUCCESS);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        assertThat(s.before("a", T0, true, false, T0)).as("readiness keeps probing").isEqualTo(Step.PROBE);
    }

    @Test
    void readinessNeedsSuccessThresholdSuccessesInARow() {
        ProbeState s = state(ProbeKind.READINESS, probe(1, 2, 0));
        s.before("a", T0, true, false, T0);
        s.record(Health.SUCCESS);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        s.record(Health.SUCCESS);
        assertThat(s.publishedFor("a")).isEqualTo(Health.SUCCESS);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        s.record(Health.SUCCESS);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
    }

    @Test
    void aFailedLivenessProbeHoldsUntilTheNextInstance() {
        ProbeState s = state(ProbeKind.LIVENESS, probe(2, 1, 0));
        assertThat(s.before("a", T0, true, false, T0)).isEqualTo(Step.PROBE);
        assertThat(s.publishedFor("a")).as("liveness starts passing").isEqualTo(Health.SUCCESS);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.SUCCESS);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        assertThat(s.before("a", T0, true, false, T0.plusSeconds(5))).isEqualTo(Step.WAIT);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);

        assertThat(s.before("b", T0.plusSeconds(6), true, false, T0.plusSeconds(6))).isEqualTo(Step.PROBE);
        assertThat(s.publishedFor("b")).isEqualTo(Health.SUCCESS);
        s.record(Health.FAILURE);
        assertThat(s.publishedFor("b")).as("the count started over").isEqualTo(Health.SUCCESS);
    }

    @Test
    void nothingIsProbedDuringTheInitialDelay() {
        ProbeState s = state(ProbeKind.LIVENESS, probe(1, 1, 5));
        assertThat(s.before("a", T0, true, false, T0.plusMillis(4999))).isEqualTo(Step.WAIT);
        assertThat(s.before("a", T0, true, false, T0.plusSeconds(5))).isEqualTo(Step.PROBE);
    }

    @Test
    void theStartupProbeGatesLivenessAndReadinessAndStopsOnceStarted() {
        ProbeState liveness = state(ProbeKind.LIVENESS, probe(1, 1, 0));
        ProbeState readiness = state(ProbeKind.READINESS, probe(1, 1, 0));
        ProbeState startup = state(ProbeKind.STARTUP, probe(3, 1, 0));
        assertThat(liveness.before("a", T0, false, false, T0)).isEqualTo(Step.WAIT);
        assertThat(readiness.before("a", T0, false, false, T0)).isEqualTo(Step.WAIT);
        assertThat(startup.before("a", T0, false, false, T0)).isEqualTo(Step.PROBE);
        assertThat(startup.publishedFor("a")).isEqualTo(Health.UNKNOWN);
        startup.record(Health.FAILURE);
        assertThat(startup.publishedFor("a")).as("below failureThreshold").isEqualTo(Health.UNKNOWN);
        startup.record(Health.SUCCESS);
        assertThat(startup.publishedFor("a")).isEqualTo(Health.SUCCESS);
        assertThat(startup.before("a", T0, true, false, T0)).isEqualTo(Step.WAIT);
        assertThat(liveness.before("a", T0, true, false, T0)).isEqualTo(Step.PROBE);
        assertThat(readiness.before("a", T0, true, false, T0)).isEqualTo(Step.PROBE);
    }

    @Test
    void aContainerThatStoppedIsFailingAndAnUnseenInstanceHasTheInitialValue() {
        ProbeState s = state(ProbeKind.READINESS, probe(1, 1, 0));
        s.before("a", T0, true, false, T0);
        s.record(Health.SUCCESS);
        assertThat(s.before(null, null, false, false, T0)).isEqualTo(Step.WAIT);
        assertThat(s.publishedFor("a")).isEqualTo(Health.FAILURE);
        assertThat(s.publishedFor("b")).isEqualTo(Health.FAILURE);
        assertThat(state(ProbeKind.LIVENESS, probe(1, 1, 0)).publishedFor("b")).isEqualTo(Health.SUCCESS);
    }

    @Test
    void livenessPassesWhileThePodIsBeingDeleted() {
        ProbeState s = state(ProbeKind.LIVENESS, probe(3, 1, 0));
        s.before("a", T0, true, false, T0);
        s.record(Health.FAILURE);
        s.record(Health.FAILURE);
        assertThat(s.before("a", T0, true, true, T0)).isEqualTo(Step.WAIT);
        assertThat(s.publishedFor("a")).isEqualTo(Health.SUCCESS);
        ProbeState readiness = state(ProbeKind.READINESS, probe(3, 1, 0));
        assertThat(readiness.before("a", T0, true, true, T0)).isEqualTo(Step.PROBE);
    }
}
