package io.drover.agent;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off for one container: the wait before a restart starts at the
 * policy's initial wait, doubles after every exit up to its maximum, and starts over once the
 * container ran for the policy's reset time before it exited.
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
            current = policy.initial();
        } else {
            Duration doubled = current.multipliedBy(2);
            current = doubled.compareTo(policy.max()) > 0 ? policy.max() : doubled;
        }
        return current;
    }
}
