package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;

/**
 * A probe's timing and thresholds with Kubernetes' defaults applied. The API server already sets
 * them (PodSpecDefaults); the agent applies them again for values left at zero, as the kubelet's
 * worker does, so a pod written around the defaulting still probes sanely.
 *
 * @param initialDelay how long after the container started probing begins
 * @param period the time between two probes
 * @param timeout how long one probe may take
 * @param successThreshold consecutive successes that make a failing probe pass (always 1 for
 *     liveness and startup, which Kubernetes' validation requires)
 * @param failureThreshold consecutive failures that make a passing probe fail
 * @param terminationGracePeriodSeconds the probe's own grace period for the kill a failure causes,
 *     or null to use the pod's
 */
record ProbeSettings(Duration initialDelay, Duration period, Duration timeout, int successThreshold,
        int failureThreshold, Long terminationGracePeriodSeconds) {

    static final int DEFAULT_PERIOD_SECONDS = 10;
    static final int DEFAULT_TIMEOUT_SECONDS = 1;
    static final int DEFAULT_FAILURE_THRESHOLD = 3;

    static ProbeSettings of(ProbeKind kind, Probe p) {
        int success = positive(p.getSuccessThreshold(), 1);
        return new ProbeSettings(
                Duration.ofSeconds(Math.max(0, p.getInitialDelaySeconds() == null ? 0 : p.getInitialDelaySeconds())),
                Duration.ofSeconds(positive(p.getPeriodSeconds(), DEFAULT_PERIOD_SECONDS)),
                Duration.ofSeconds(positive(p.getTimeoutSeconds(), DEFAULT_TIMEOUT_SECONDS)),
                kind == ProbeKind.READINESS ? success : 1,
                positive(p.getFailureThreshold(), DEFAULT_FAILURE_THRESHOLD),
                p.getTerminationGracePeriodSeconds());
    }

    private static int positive(Integer value, int fallback) {
        return value == null || value < 1 ? fallback : value;
    }
}
