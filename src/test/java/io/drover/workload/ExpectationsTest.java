package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MutableClock clock = new MutableClock();
    private final Expectations expectations = new Expectations(clock);

    @Test
    void creationsMustAllBeObserved() {
        assertThat(expectations.satisfied("ns/rs")).isTrue();
        expectations.expectCreations("ns/rs", 2);
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.creationObserved("ns/rs");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void deletionsAreTrackedByPodSoRepeatsDoNotCountTwice() {
        expectations.expectDeletions("ns/rs", Set.of("ns/a", "ns/b"));
        expectations.deletionObserved("ns/rs", "ns/a");
        expectations.deletionObserved("ns/rs", "ns/a");
        assertThat(expectations.satisfied("ns/rs")).isFalse();
        expectations.deletionObserved("ns/rs", "ns/b");
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }

    @Test
    void expectationsExpireSoALostEventCannotWedgeTheReplicaSet() {
        expectations.expectCreations("ns/rs", 1);
        clock.now = clock.now.plus(Expectations.TTL).plusSeconds(1);
        assertThat(expectations.satisfied("ns/rs")).isTrue();
    }
}
