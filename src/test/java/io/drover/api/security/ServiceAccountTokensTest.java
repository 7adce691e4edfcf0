package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.json.Mappers;
import io.drover.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Service account tokens: Kubernetes' claims, the key kept across starts, and every way a token is refused. */
class ServiceAccountTokensTest {
    private static final String API = ServiceAccountTokens.ISSUER;
    private static final Instant ISSUED = Instant.parse("2026-12-01T08:00:00Z");

    private final Path dir = TempDirs.create("drover-sa-tokens");
    private final Path other = TempDirs.create("drover-sa-tokens-other");

    @AfterEach
    void delete() {
        TempDirs.delete(dir);
        TempDirs.delete(other);
    }

    private static ServiceAccountTokens.Claims claims(List<String> audiences, ServiceAccountTokens.BoundObject bound) {
        return ServiceAccountTokens.Claims.issued("team", "ci", "sa-uid", bound, null, audiences, ISSUED,
                ISSUED.plusSeconds(3600));
    }

    @Test
    void carriesKubernetesClaimsAndVerifiesAfterARestart() throws Exception {
        String token = ServiceAccountTokens.loadOrCreate(dir).issue(
                claims(List.of(API), new ServiceAccountTokens.BoundObject("Pod", "web-1", "pod-uid")));
        String[] parts = token.split("\\.");
        JsonNode header = Mappers.json().readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = Mappers.json().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(payload.path("sub").asText()).isEqualTo("system:serviceaccount:team:ci");
        assertThat(payload.path("iss").asText()).isEqualTo(API);
        assertThat(payload.path("exp").asLong()).isEqualTo(ISSUED.getEpochSecond() + 3600);
        assertThat(payload.at("/kubernetes.io/serviceaccount/uid").asText()).isEqualTo("sa-uid");
        assertThat(payload.at("/kubernetes.io/pod/name").asText()).isEqualTo("web-1");
        assertThat(Files.readString(dir.resolve("pki/sa.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");

        // A restart loads the same key, so the token still verifies.
        ServiceAccountTokens.Claims verified = ServiceAccountTokens.loadOrCreate(dir)
                .verify(token, API, ISSUED.plusSeconds(60)).orElseThrow();
        assertThat(verified.serviceAccount()).isEqualTo("ci");
        assertThat(verified.bound()).isEqualTo(new ServiceAccountTokens.BoundObject("Pod", "web-1", "pod-uid"));
    }

    @Test
    void refusesExpiredEarlyForeignAlteredAndOtherAudiencesTokens() throws Exception {
        ServiceAccountTokens tokens = ServiceAccountTokens.loadOrCreate(dir);
        String token = tokens.issue(claims(List.of(API), null));
        Instant during = ISSUED.plusSeconds(60);
        assertThat(tokens.verify(token, API, during)).isPresent();
        assertThat(tokens.verify(token, API, ISSUED.plusSeconds(3600))).as("expired").isEmpty();
        assertThat(tokens.verify(token, API, ISSUED.minusSeconds(1))).as("not yet valid").isEmpty();
        assertThat(ServiceAccountTokens.loadOrCreate(other).verify(token, API, during)).as("another key").isEmpty();
        assertThat(tokens.verify(tokens.issue(claims(List.of("vault"), null)), API, during)).as("audience").isEmpty();

        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1])).replace("\"ci\"", "\"admin\"").getBytes());
        assertThat(tokens.verify(parts[0] + "." + forged + "." + parts[2], API, during)).as("altered").isEmpty();
        assertThat(tokens.verify("not-a-jwt", API, during)).isEmpty();
        assertThat(tokens.verify("a.b.c", API, during)).isEmpty();
        assertThat(tokens.verify(null, API, during)).isEmpty();
    }
}
