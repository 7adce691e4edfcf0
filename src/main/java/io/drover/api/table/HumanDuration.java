package io.drover.api.table;

import java.time.Duration;
import java.time.Instant;

/**
 * The short human duration Kubernetes prints in Age columns ("5s", "3m10s", "47h", "2d1h", "3y").
 *
 * <p>A port of {@code HumanDuration} in k8s.io/apimachinery/pkg/util/duration: about two or three
 * significant figures, coarser the older the object. Kept exact because users compare our output
 * with a real cluster's.
 */
final class HumanDuration {

    /** What Kubernetes prints when an object has no creation timestamp. */
    static final String UNKNOWN = "<unknown>";

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
    private static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;

    private HumanDuration() {}

    /** The age of something that happened at {@code then}, or {@code <unknown>} when null. */
    static String since(Instant then, Instant now) {
        return then == null ? UNKNOWN : format(Duration.between(then, now));
    }

    static String format(Duration d) {
        long nanos = saturatedNanos(d);
        // Integer division truncates toward zero, as Go's int(d.Seconds()) does; up to two seconds
        // in the future counts as "now" so clock skew between machines does not show "<invalid>".
        long seconds = nanos / NANOS_PER_SECOND;
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = nanos / NANOS_PER_MINUTE;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = nanos / NANOS_PER_HOUR;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    // Go's time.Duration is int64 nanoseconds (about 292 years); clamp rather than overflow.
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
