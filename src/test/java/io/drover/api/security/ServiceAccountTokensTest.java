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
    private static final List<String> API = List.of(ServiceAccountTokens.ISSUER);
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
                claims(API, new ServiceAccountTokens.BoundObject("Pod", "web-1", "pod-uid")));
        String[] parts = token.split("\\.");
        JsonNode header = Mappers.json().readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = Mappers.json().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(payload.path("sub").asText()).isEqualTo("system:serviceaccount:team:ci");
        assertThat(payload.path("iss").asText()).isEqualTo(ServiceAccountTokens.ISSUER);
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
    void refusesExpiredEarlyForeignAndOtherAudiencesTokensInKubernetesWords() throws Exception {
        ServiceAccountTokens tokens = ServiceAccountTokens.loadOrCreate(dir);
        String token = tokens.issue(claims(API, null));
        Instant during = ISSUED.plusSeconds(60);
        assertThat(tokens.verify(token, API, during)).isPresent();
        assertThat(tokens.verify(token, List.of("other", ServiceAccountTokens.ISSUER), during)).isPresent();
        assertRefused(() -> tokens.verify(token, API, ISSUED.plusSeconds(3661)), "service account token has expired");
        assertRefused(() -> tokens.verify(token, API, ISSUED.minusSeconds(61)), "service account token is not valid yet");
        assertRefused(() -> ServiceAccountTokens.loadOrCreate(other).verify(token, API, during),
                "go-jose/go-jose: error in cryptographic primitive");
        assertRefused(() -> tokens.verify(tokens.issue(claims(List.of("vault", "x"), null)), API, during),
                "token audiences [\"vault\" \"x\"] is invalid for the target audiences "
                        + "[\"https://kubernetes.default.svc.cluster.local\"]");

        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1])).replace("\"ci\"", "\"admin\"").getBytes());
        assertRefused(() -> tokens.verify(parts[0] + "." + forged + "." + parts[2], API, during),
                "go-jose/go-jose: error in cryptographic primitive");
    }

    @Test
    void expiryAndNotBeforeAreCheckedWithGoJosesMinuteOfLeeway() throws Exception {
        ServiceAccountTokens tokens = ServiceAccountTokens.loadOrCreate(dir);
        String token = tokens.issue(claims(API, null));
        assertThat(tokens.verify(token, API, ISSUED.plusSeconds(3600 + 30))).as("30 s after exp").isPresent();
        assertThat(tokens.verify(token, API, ISSUED.plusSeconds(3600 + 60))).as("a minute after exp").isPresent();
        assertThat(tokens.verify(token, API, ISSUED.minusSeconds(30))).as("30 s before nbf").isPresent();
        assertThat(tokens.verify(token, API, ISSUED.minusSeconds(60))).as("a minute before nbf").isPresent();
    }

    @Test
    void aTokenOfAnotherIssuerOrNoJwtIsNotTakenUp() throws Exception {
        ServiceAccountTokens tokens = ServiceAccountTokens.loadOrCreate(dir);
        Instant during = ISSUED.plusSeconds(60);
        assertThat(tokens.verify("not-a-jwt", API, during)).isEmpty();
        assertThat(tokens.verify("a.b.c", API, during)).isEmpty();
        assertThat(tokens.verify(null, API, during)).isEmpty();
        String legacy = tokens.issueLegacy(new ServiceAccountTokens.LegacyClaims("team", "ci", "sa-uid", "ci-token"));
        assertThat(tokens.verify(legacy, API, during)).isEmpty();
        assertThat(tokens.verifyLegacy(tokens.issue(claims(API, null)), API)).isEmpty();
        assertThat(tokens.verifyLegacy(legacy, API).orElseThrow().secretName()).isEqualTo("ci-token");
        assertRefused(() -> tokens.verifyLegacy(legacy, List.of("vault")), "token audiences "
                + "[\"https://kubernetes.default.svc.cluster.local\"] is invalid for the target audiences [\"vault\"]");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable verification, String error) {
        org.assertj.core.api.Assertions.assertThatThrownBy(verification).isInstanceOf(InvalidTokenException.class)
                .hasMessage(error);
    }
}
