package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.MutableClock;
import io.drover.testing.TempDirs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a TokenReview learns of each kind of token, against objects kept in maps and a clock the test sets. */
class ClusterAuthenticatorTest {
    private static final String API = ServiceAccountTokens.ISSUER;
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    private final Path dir = TempDirs.create("drover-authenticator");
    private final MutableClock clock = new MutableClock(NOW);
    /** "Kind/namespace/name" to uid. */
    private final Map<String, String> uids = new HashMap<>();
    /** "namespace/name" to the token Secret. */
    private final Map<String, ClusterAuthenticator.TokenSecret> secrets = new HashMap<>();
    /** "namespace/account/secret" of the Secrets their account lists. */
    private final java.util.Set<String> listed = new java.util.HashSet<>();
    /** The Secrets whose use was recorded, as "namespace/name=date". */
    private final List<String> recordedUses = new java.util.ArrayList<>();
    private ClusterCredentials credentials;
    private ServiceAccountTokens tokens;
    private ClusterAuthenticator authenticator;

    @BeforeEach
    void start() throws Exception {
        credentials = ClusterCredentials.loadOrCreate(dir);
        tokens = ServiceAccountTokens.loadOrCreate(dir);
        authenticator = new ClusterAuthenticator(credentials, tokens,
                (kind, namespace, name) -> Optional.ofNullable(uids.get(kind + "/" + namespace + "/" + name)),
                (namespace, name) -> Optional.ofNullable(secrets.get(namespace + "/" + name)),
                (namespace, account, secret) -> listed.contains(namespace + "/" + account + "/" + secret),
                (secret, today) -> recordedUses.add(secret.namespace() + "/" + secret.name() + "=" + today), clock);
        uids.put("ServiceAccount/team/ci", "sa-uid");
    }

    @AfterEach
    void delete() {
        TempDirs.delete(dir);
    }

    private String token(List<String> audiences) {
        return tokens.issue(ServiceAccountTokens.Claims.issued("team", "ci", "sa-uid", null, null, audiences,
                NOW.minusSeconds(60), NOW.plusSeconds(3600)));
    }

    @Test
    void theAdminTokenIsGoodForTheApiServersAudienceOnly() {
        assertThat(authenticator.review(credentials.adminToken(), List.of("foo")))
                .isEqualTo(new Authentication.Unauthenticated("invalid bearer token"));
        assertThat(authenticator.review(credentials.adminToken(), List.of("foo", API)))
                .isEqualTo(new Authentication.Authenticated(UserInfo.ADMIN, List.of(API)));
        assertThat(authenticator.authenticate(credentials.adminToken())).contains(UserInfo.ADMIN);
    }

    @Test
    void aServiceAccountTokenIsGoodForTheAudiencesItWasIssuedForThatAreAsked() {
        Authentication found = authenticator.review(token(List.of("vault", API)), List.of("other", API, "vault"));
        assertThat(found).isInstanceOfSatisfying(Authentication.Authenticated.class, a -> {
            assertThat(a.user().username()).isEqualTo("system:serviceaccount:team:ci");
            assertThat(a.audiences()).containsExactly("vault", API);
        });
        assertThat(authenticator.review(token(List.of("vault")), List.of(API))).isEqualTo(
                new Authentication.Unauthenticated("[invalid bearer token, token audiences [\"vault\"] is invalid for "
                        + "the target audiences [\"https://kubernetes.default.svc.cluster.local\"]]"));
    }

    @Test
    void aRefusedTokenSaysWhyInKubernetesWords() {
        assertThat(authenticator.review("bogus", List.of(API)))
                .isEqualTo(new Authentication.Unauthenticated("invalid bearer token"));
        String token = token(List.of(API));
        clock.set(NOW.plusSeconds(7200));
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(
                new Authentication.Unauthenticated("[invalid bearer token, service account token has expired]"));
        clock.set(NOW);
        uids.put("ServiceAccount/team/ci", "other-uid");
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(new Authentication.Unauthenticated(
                "[invalid bearer token, service account UID (other-uid) does not match claim (sa-uid)]"));
        uids.remove("ServiceAccount/team/ci");
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(new Authentication.Unauthenticated(
                "[invalid bearer token, serviceaccounts \"ci\" not found]"));
        assertThat(authenticator.authenticate(token)).isEmpty();
    }

    /** A Secret's long-lived token, held by the Secret with {@code labels}. */
    private String legacyToken(Map<String, String> labels) {
        String token = tokens.issueLegacy(new ServiceAccountTokens.LegacyClaims("team", "ci", "sa-uid", "ci-token"));
        label(token, labels);
        return token;
    }

    private void label(String token, Map<String, String> labels) {
        secrets.put("team/ci-token", new ClusterAuthenticator.TokenSecret("team", "ci-token", "secret-uid", token, false,
                labels));
    }

    @Test
    void aSecretsTokenIsRecordedAsUsedOnceADay() {
        String token = legacyToken(Map.of());
        assertThat(authenticator.review(token, List.of(API))).isInstanceOfSatisfying(
                Authentication.Authenticated.class, a -> assertThat(a.audiences()).containsExactly(API));
        assertThat(recordedUses).containsExactly("team/ci-token=2026-12-01");

        recordedUses.clear();
        label(token, Map.of(ClusterAuthenticator.LAST_USED_LABEL, "2026-12-01"));
        assertThat(authenticator.authenticate(token)).isPresent();
        label(token, Map.of(ClusterAuthenticator.LAST_USED_LABEL, "2026-12-02"));
        assertThat(authenticator.authenticate(token)).as("another clock's tomorrow").isPresent();
        assertThat(recordedUses).isEmpty();
        label(token, Map.of(ClusterAuthenticator.LAST_USED_LABEL, "2026-11-30"));
        assertThat(authenticator.authenticate(token)).isPresent();
        assertThat(recordedUses).containsExactly("team/ci-token=2026-12-01");
    }

    @Test
    void aSecretMarkedInvalidSinceADateAuthenticatesNobodyButIsRecordedAsUsed() {
        String token = legacyToken(Map.of(ClusterAuthenticator.INVALID_SINCE_LABEL, "2024-01-01"));
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(new Authentication.Unauthenticated(
                "[invalid bearer token, the token in secret team/ci-token for service account team/ci has been marked "
                        + "invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or "
                        + "remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily "
                        + "allow use of this token]"));
        assertThat(authenticator.authenticate(token)).isEmpty();
        assertThat(recordedUses).contains("team/ci-token=2026-12-01");
    }

    @Test
    void aSecretsTokenIsValidWhileTheSecretHoldsIt() {
        String token = legacyToken(Map.of());
        secrets.put("team/ci-token", new ClusterAuthenticator.TokenSecret("team", "ci-token", "secret-uid", "other",
                false, Map.of()));
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(
                new Authentication.Unauthenticated("[invalid bearer token, Token does not match server's copy]"));
        secrets.clear();
        assertThat(authenticator.review(token, List.of(API))).isEqualTo(
                new Authentication.Unauthenticated("[invalid bearer token, Token has been invalidated]"));
        assertThat(recordedUses).isEmpty();
    }

    @Test
    void theTokenOfASecretItsAccountListsIsWarnedAbout() {
        String token = legacyToken(Map.of());
        assertThat(authenticator.review(token, List.of(API))).isInstanceOfSatisfying(
                Authentication.Authenticated.class, a -> assertThat(a.warnings()).as("made by hand").isEmpty());
        listed.add("team/ci/ci-token");
        assertThat(authenticator.review(token, List.of(API))).isInstanceOfSatisfying(
                Authentication.Authenticated.class, a -> assertThat(a.warnings()).containsExactly("Use tokens from the "
                        + "TokenRequest API or manually created secret-based tokens instead of auto-generated "
                        + "secret-based tokens."));
        label(token, Map.of(ClusterAuthenticator.INVALID_SINCE_LABEL, "2024-01-01"));
        assertThat(authenticator.review(token, List.of(API))).isInstanceOf(Authentication.Unauthenticated.class);
    }
}
