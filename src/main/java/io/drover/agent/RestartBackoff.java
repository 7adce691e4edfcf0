package io.drover.agent;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off for one container: the wait before a restart starts at
 * {@link #INITIAL}, doubles after every exit up to {@link #MAX}, and starts over once the container
 * ran for {@link #RESET} before it exited.
 */
final class RestartBackoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);
    static final Duration RESET = Duration.ofMinutes(10);

    private Duration current;

    /** The wait before the next restart, for a container that just exited after running {@code ranFor}. */
    Duration afterExit(Duration ranFor) {
        if (current == null || ranFor.compareTo(RESET) >= 0) {
            current = INITIAL;
        } else {
            Duration doubled = current.multipliedBy(2);
            current = doubled.compareTo(MAX) > 0 ? MAX : doubled;
        }
        return current;
    }
}
