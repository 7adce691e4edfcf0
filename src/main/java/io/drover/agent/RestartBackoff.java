package io.drover.agent;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off for one container: the first exit is restarted at once, the
 * wait before the next restart is the policy's initial wait, doubling after every exit up to its
 * maximum, and it all starts over once the container ran for the policy's reset time.
 *
 * <p>The kubelet behaves so because its back-off entry for a container is created by the first
 * exit ({@code doBackOff}: not in back-off, so start, then {@code backOff.Next}); a replica killed
 * once is back as fast as it can start.
 */
final class RestartBackoff {
    private final RestartBackoffPolicy policy;
    private Duration current;

    RestartBackoff(RestartBackoffPolicy policy) {
        this.policy = policy;
    }

    /** The wait before the next restart, for a container that just exited after running {@code ranFor}. */
    Duration afterExit(Duration ranFor) {
        if (current == null || ranFor.compareTo(policy.reset()) >= 0) {
            current = Duration.ZERO;
        } else if (current.isZero()) {
            current = policy.initial();
        } else {
            Duration doubled = current.multipliedBy(2);
            current = doubled.compareTo(policy.max()) > 0 ? policy.max() : doubled;
        }
        return current;
    }
}
