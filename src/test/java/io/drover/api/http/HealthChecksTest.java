package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A failing check: kube-apiserver's 500 with every check's line, the reason withheld from the public answer. */
class HealthChecksTest {
    private static final HealthChecks.Check PING = new HealthChecks.Check("ping", Optional::empty);
    private static final HealthChecks.Check SHUTDOWN = new HealthChecks.Check("shutdown",
            () -> Optional.of("process is shutting down"));
    private final HealthChecks checks = new HealthChecks(List.of(PING), List.of(PING, SHUTDOWN));

    private static final class Answer implements ApiResponse {
        int status;
        String body;

        @Override
        public void addHeader(String name, String value) {}

        @Override
        public void send(int status, String contentType, byte[] bytes) {
            this.status = status;
            this.body = new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public OutputStream stream(int status, String contentType) {
            throw new UnsupportedOperationException();
        }
    }

    private Answer get(String path, Map<String, List<String>> query) throws Exception {
        Answer answer = new Answer();
        checks.handle(new ApiRequest("GET", path, query, Map.of(), () -> new byte[0]), path, answer);
        return answer;
    }

    @Test
    void aFailingCheckIsA500ListingEveryCheckWithoutItsReason() throws Exception {
        Answer readyz = get("/readyz", Map.of());
        assertThat(readyz.status).isEqualTo(500);
        assertThat(readyz.body).isEqualTo("[+]ping ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n");

        Answer alone = get("/readyz/shutdown", Map.of());
        assertThat(alone.status).isEqualTo(500);
        assertThat(alone.body).isEqualTo("internal server error: process is shutting down\n");

        Answer excluded = get("/readyz", Map.of("exclude", List.of("shutdown")));
        assertThat(excluded.status).isEqualTo(200);
        assertThat(excluded.body).isEqualTo("ok");
        assertThat(get("/livez", Map.of()).status).isEqualTo(200);
    }

    @Test
    void onlyTheThreeEndpointsAndTheirChecksAreHealthPaths() {
        assertThat(HealthChecks.handles("/readyz")).isTrue();
        assertThat(HealthChecks.handles("/livez/ping")).isTrue();
        assertThat(HealthChecks.handles("/livezz")).isFalse();
        assertThat(HealthChecks.handles("/version")).isFalse();
    }
}
