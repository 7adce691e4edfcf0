package io.drover.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HumanDurationTest {

    private static final Duration MS = Duration.ofMillis(1);

    private static Duration s(long n) {
        return Duration.ofSeconds(n);
    }

    private static Duration m(long n) {
        return Duration.ofMinutes(n);
    }

    private static Duration h(long n) {
        return Duration.ofHours(n);
    }

    private static Duration d(long n) {
        return Duration.ofDays(n);
    }

    /** TestHumanDuration and TestHumanDurationBoundaries from apimachinery's duration_test.go. */
    static Stream<Arguments> goCases() {
        return Stream.of(
                Arguments.of(s(1), "1s"),
                Arguments.of(s(70), "70s"),
                Arguments.of(s(190), "3m10s"),
                Arguments.of(m(70), "70m"),
                Arguments.of(h(47), "47h"),
                Arguments.of(h(49), "2d1h"),
                Arguments.of(h(8 * 24 + 2), "8d"),
                Arguments.of(h(367 * 24), "367d"),
                Arguments.of(h(365 * 2 * 24 + 25), "2y1d"),
                Arguments.of(h(365 * 8 * 24 + 2), "8y"),
                // boundaries
                Arguments.of(s(-2), "<invalid>"),
                Arguments.of(s(-2).plusNanos(1), "0s"),
                Arguments.of(Duration.ZERO, "0s"),
                Arguments.of(s(1).minus(MS), "0s"),
                Arguments.of(m(2).minus(MS), "119s"),
                Arguments.of(m(2), "2m"),
                Arguments.of(m(2).plus(s(1)), "2m1s"),
                Arguments.of(m(10).minus(MS), "9m59s"),
                Arguments.of(m(10), "10m"),
                Arguments.of(m(10).plus(s(1)), "10m"),
                Arguments.of(h(3).minus(MS), "179m"),
                Arguments.of(h(3), "3h"),
                Arguments.of(h(3).plus(m(1)), "3h1m"),
                Arguments.of(h(8).minus(MS), "7h59m"),
                Arguments.of(h(8), "8h"),
                Arguments.of(h(8).plus(m(59)), "8h"),
                Arguments.of(d(2).minus(MS), "47h"),
                Arguments.of(d(2), "2d"),
                Arguments.of(d(2).plus(h(1)), "2d1h"),
                Arguments.of(d(8).minus(MS), "7d23h"),
                Arguments.of(d(8), "8d"),
                Arguments.of(d(8).plus(h(23)), "8d"),
                Arguments.of(d(2 * 365).minus(MS), "729d"),
                Arguments.of(d(2 * 365), "2y"),
                Arguments.of(d(2 * 365).plus(h(23)), "2y"),
                Arguments.of(d(2 * 365).plus(h(23)).plus(m(59)), "2y"),
                Arguments.of(d(2 * 365).plus(h(24)).minus(MS), "2y"),
                Arguments.of(d(2 * 365).plus(h(24)), "2y1d"),
                Arguments.of(d(3 * 365), "3y"),
                Arguments.of(d(4 * 365), "4y"),
                Arguments.of(d(5 * 365), "5y"),
                Arguments.of(d(6 * 365), "6y"),
                Arguments.of(d(7 * 365), "7y"),
                Arguments.of(d(8 * 365).minus(MS), "7y364d"),
                Arguments.of(d(8 * 365), "8y"),
                Arguments.of(d(8 * 365).plus(d(364)), "8y"),
                Arguments.of(d(9 * 365), "9y"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("goCases")
    void matchesApimachinery(Duration duration, String expected) {
        assertThat(HumanDuration.format(duration)).isEqualTo(expected);
    }

    @Test
    void sinceMissingTimestampIsUnknown() {
        assertThat(HumanDuration.since(null, Instant.EPOCH)).isEqualTo("<unknown>");
    }

    @Test
    void sinceMeasuresFromThenToNow() {
        Instant now = Instant.parse("2025-01-01T12:00:00Z");
        assertThat(HumanDuration.since(now.minus(m(5)).minus(s(3)), now)).isEqualTo("5m3s");
        assertThat(HumanDuration.since(now.minus(m(47)), now)).isEqualTo("47m");
        assertThat(HumanDuration.since(now.minus(h(5)).minus(m(3)), now)).isEqualTo("5h3m");
    }
}
