package io.drover.json;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A metav1.Time as Kubernetes writes it in JSON: RFC 3339 in UTC to the whole second ("2024-05-01T12:34:56Z").
 * The fraction is cut off, not rounded, as Go's time.Format cuts it.
 */
public final class MetaTime {
    private MetaTime() {}

    public static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The clock's current time, as a condition's lastTransitionTime or an object's creationTimestamp is stamped. */
    public static String now(Clock clock) {
        return format(clock.instant());
    }
}
