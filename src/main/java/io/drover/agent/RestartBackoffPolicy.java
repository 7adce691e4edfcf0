package io.drover.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crash-loop back-off of restarted containers: the first wait, the most it doubles to, and
 * how long a container must run for the wait to start over. The default is KEP-4603's curve (1 s
 * doubling to 60 s, reset after 10 minutes), faster than the kubelet's older 10 s to 5 min.
 *
 * @param initial the wait after the second exit (the first is restarted at once, as by the kubelet)
 * @param max the longest wait
 * @param reset how long a run must last for the next wait to be {@code initial} again
 */
public record RestartBackoffPolicy(Duration initial, Duration max, Duration reset) {

    public static final RestartBackoffPolicy DEFAULT =
            new RestartBackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public RestartBackoffPolicy {
        if (initial == null || max == null || reset == null || initial.isNegative() || initial.isZero()
                || max.compareTo(initial) < 0 || reset.isNegative() || reset.isZero()) {
            throw new IllegalArgumentException("restart back-off: " + initial + ", " + max + ", " + reset
                    + " (expected: 0 < initial <= max, reset > 0)");
        }
    }

    /**
     * Reads {@code INITIAL:MAX[:RESET]}, each a whole number with a unit ms, s, m or h, e.g.
     * {@code 1s:60s} or {@code 10s:5m:10m}; the reset defaults to 10 minutes.
     */
    public static RestartBackoffPolicy parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("restart back-off: '" + text + "' (expected: INITIAL:MAX[:RESET], e.g. 1s:60s)");
        }
        return new RestartBackoffPolicy(duration(parts[0], text), duration(parts[1], text),
                parts.length == 3 ? duration(parts[2], text) : DEFAULT.reset());
    }

    private static Duration duration(String part, String text) {
        Matcher m = DURATION.matcher(part.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("restart back-off: '" + part + "' in '" + text
                    + "' (expected: a whole number with ms, s, m or h, e.g. 1s)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The form {@link #parse} reads, e.g. {@code 1s:60s:10m}. */
    @Override
    public String toString() {
        return format(initial) + ":" + format(max) + ":" + format(reset);
    }

    private static String format(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        if (d.toSecondsPart() != 0) {
            return d.toSeconds() + "s";
        }
        return d.toMinutesPart() != 0 ? d.toMinutes() + "m" : d.toHours() + "h";
    }
}
