package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffPolicyTest {

    @Test
    void parsesInitialMaxAndOptionalReset() {
        assertThat(RestartBackoffPolicy.parse("1s:60s")).isEqualTo(RestartBackoffPolicy.DEFAULT);
        assertThat(RestartBackoffPolicy.parse("10s:5m:10m")).isEqualTo(new RestartBackoffPolicy(
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10)));
        assertThat(RestartBackoffPolicy.parse("200ms:2s:1h").toString()).isEqualTo("200ms:2s:1h");
        assertThat(RestartBackoffPolicy.DEFAULT.toString()).isEqualTo("1s:1m:10m");
    }

    @Test
    void refusesMalformedOrInconsistentValuesWithTheExpectedForm() {
        assertThatThrownBy(() -> RestartBackoffPolicy.parse("1s")).hasMessageContaining("INITIAL:MAX[:RESET]");
        assertThatThrownBy(() -> RestartBackoffPolicy.parse("1x:60s")).hasMessageContaining("'1x'");
        assertThatThrownBy(() -> RestartBackoffPolicy.parse("60s:1s")).hasMessageContaining("initial <= max");
        assertThatThrownBy(() -> RestartBackoffPolicy.parse("0s:1s")).hasMessageContaining("0 < initial");
    }

    @Test
    void aConfiguredCurveDoublesToItsMaximumAndResetsAfterItsResetTime() {
        RestartBackoff backoff = new RestartBackoff(RestartBackoffPolicy.parse("100ms:300ms:5s"));
        Duration quick = Duration.ofMillis(10);

        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ZERO);
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofMillis(300));
        assertThat(backoff.afterExit(Duration.ofSeconds(5))).isEqualTo(Duration.ZERO);
        assertThat(backoff.afterExit(quick)).isEqualTo(Duration.ofMillis(100));
    }
}
