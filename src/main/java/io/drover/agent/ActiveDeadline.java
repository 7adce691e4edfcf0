package io.drover.agent;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A pod's {@code activeDeadlineSeconds}, as the kubelet's activeDeadlineHandler enforces it: counted
 * from the pod's status.startTime; once passed, the pod fails with reason DeadlineExceeded and its
 * containers are stopped.
 */
final class ActiveDeadline {
    static final String REASON = "DeadlineExceeded";
    static final String MESSAGE = "Pod was active on the node longer than the specified deadline";

    private ActiveDeadline() {}

    /** How long the pod has left, negative or zero once the deadline passed; empty without a deadline or a start time. */
    static Optional<Duration> left(Pod pod, Instant now) {
        Long seconds = pod.getSpec().getActiveDeadlineSeconds();
        String started = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        if (seconds == null || started == null || started.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, Instant.parse(started).plusSeconds(seconds)));
    }
}
