package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServiceLabelsTest {

    @Test
    void theTriggerTimeIsGosRfc3339NanoWithoutTrailingZeros() {
        assertThat(ServiceLabels.rfc3339Nano(Instant.parse("2026-12-02T09:10:52.576433100Z")))
                .isEqualTo("2026-12-02T09:10:52.5764331Z");
        assertThat(ServiceLabels.rfc3339Nano(Instant.parse("2026-12-02T09:10:52.000000001Z")))
                .isEqualTo("2026-12-02T09:10:52.000000001Z");
        assertThat(ServiceLabels.rfc3339Nano(Instant.parse("2026-12-02T09:10:52.5Z")))
                .isEqualTo("2026-12-02T09:10:52.5Z");
    }

    @Test
    void aWholeSecondHasNoFraction() {
        assertThat(ServiceLabels.rfc3339Nano(Instant.parse("2026-12-02T09:10:00Z"))).isEqualTo("2026-12-02T09:10:00Z");
    }
}
