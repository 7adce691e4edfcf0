package io.drover.agent;

import java.time.Duration;

/**
 * The kubelet's crash-loop back-off for one container: the first exit is restarted at once, the
 * wait before the next restart is {@link #INITIAL}, doubling after every exit up to {@link #MAX},
 * and it all starts over once the container ran for {@link #RESET} before it exited.
 *
 * <p>The kubelet behaves so because its back-off entry for a container is created by the first
 * exit ({@code doBackOff}: not in back-off, so start, then {@code backOff.Next}); a replica killed
 * once is back as fast as it can start.
 */
final class RestartBackoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);
    static final Duration RESET = Duration.ofMinutes(10);

    private Duration current;

    /** The wait before the next restart, for a container that just exited after running {@code ranFor}. */
    Duration afterExit(Duration ranFor) {
        if (current == null || ranFor.compareTo(RESET) >= 0) {
            current = Duration.ZERO;
        } else if (current.isZero()) {
            current = INITIAL;
        } else {
            Duration doubled = current.multipliedBy(2);
            current = doubled.compareTo(MAX) > 0 ? MAX : doubled;
        }
        return current;
    }
}
