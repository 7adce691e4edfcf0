package io.drover.api.security;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The API server's authenticators, in kube-apiserver's order: the admin token of the kubeconfig, audience agnostic as
 * kube-apiserver's own static tokens are; then service account tokens (kube-apiserver's service-account JWT
 * authenticator): signed by this cluster, for one of the audiences asked, unexpired, and naming a service account,
 * and a bound object if any, that still exists with the uid the token names, so that deleting either revokes the
 * token; and the long-lived tokens of kubernetes.io/service-account-token Secrets, valid while their Secret holds them.
 *
 * <p>A token that authenticates nobody is given kube-apiserver's error: each of its authenticators that refuses a
 * bearer token says why (the static tokens' and the service accounts' bearertoken authenticators say {@value
 * Authenticator#INVALID_BEARER_TOKEN} when they had nothing to say), and the union joins the different reasons:
 * {@code [invalid bearer token, service account token has expired]}.
 */
public final class ClusterAuthenticator implements Authenticator {

    /** An object's uid by kind (ServiceAccount, Pod, Secret, Node), namespace (null for a Node) and name; empty when it does not exist. */
    @FunctionalInterface
    public interface Uids {
        Optional<String> of(String kind, String namespace, String name);
    }

    /** A kubernetes.io/service-account-token Secret as stored; empty when it does not exist. */
    @FunctionalInterface
    public interface SecretTokens {
        Optional<TokenSecret> of(String namespace, String name);
    }

    /**
     * Whether a service account lists a Secret in its secrets: what marks a token Secret as one the tokens controller
     * generated for the account (before 1.24) rather than one made by hand.
     */
    @FunctionalInterface
    public interface ListedSecrets {
        boolean lists(String namespace, String serviceAccount, String secretName);
    }

    /** legacy.go's warning for the token of an auto-generated Secret, on each request it authenticates. */
    static final String AUTO_GENERATED_WARNING = "Use tokens from the TokenRequest API or manually created "
            + "secret-based tokens instead of auto-generated secret-based tokens.";

    /**
     * What the legacy validator reads of a token Secret.
     *
     * @param token its data.token, decoded; "" when it holds none
     * @param deleting whether it has a deletionTimestamp
     * @param labels its labels (the legacy-token-invalid-since and -last-used marks)
     */
    public record TokenSecret(String namespace, String name, String uid, String token, boolean deleting,
            Map<String, String> labels) {
        public TokenSecret {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * Where a token Secret's use is recorded: labels it {@value #LAST_USED_LABEL} = {@code today}. Called at most at
     * each use of a Secret not yet labelled today; it must not hold up the request, nor fail it.
     */
    @FunctionalInterface
    public interface LegacyTokenUses {
        void used(TokenSecret secret, String today);
    }

    /** The label that disables a Secret's long-lived token (the documented clean-up of legacy tokens). */
    public static final String INVALID_SINCE_LABEL = "kubernetes.io/legacy-token-invalid-since";
    /** The label that tells when a Secret's long-lived token was last used (UTC, YYYY-MM-DD). */
    public static final String LAST_USED_LABEL = "kubernetes.io/legacy-token-last-used";

    private final ClusterCredentials credentials;
    private final ServiceAccountTokens tokens;
    private final Uids uids;
    private final SecretTokens secretTokens;
    private final ListedSecrets listedSecrets;
    private final LegacyTokenUses legacyTokenUses;
    private final Clock clock;

    public ClusterAuthenticator(ClusterCredentials credentials, ServiceAccountTokens tokens, Uids uids,
            SecretTokens secretTokens, ListedSecrets listedSecrets, LegacyTokenUses legacyTokenUses, Clock clock) {
        this.credentials = credentials;
        this.tokens = tokens;
        this.uids = uids;
        this.secretTokens = secretTokens;
        this.listedSecrets = listedSecrets;
        this.legacyTokenUses = legacyTokenUses;
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        return review(token, Audiences.API) instanceof Authentication.Authenticated found
                ? Optional.of(found.user()) : Optional.empty();
    }

    @Override
    public Authentication review(String token, List<String> audiences) {
        if (credentials.isAdminToken(token)) {
            List<String> common = Audiences.intersect(Audiences.API, audiences);
            if (!common.isEmpty()) {
                return new Authentication.Authenticated(UserInfo.ADMIN, common);
            }
        }
        try {
            Optional<Authentication.Authenticated> account = serviceAccount(token, audiences);
            if (account.isPresent()) {
                return account.get();
            }
            return refused(INVALID_BEARER_TOKEN);
        } catch (InvalidTokenException e) {
            return refused(INVALID_BEARER_TOKEN, e.getMessage());
        }
    }

    /** utilerrors' aggregate message of the authenticators' errors: one alone as it is, several in brackets, each once. */
    private static Authentication refused(String... errors) {
        Set<String> distinct = new LinkedHashSet<>(List.of(errors));
        return new Authentication.Unauthenticated(distinct.size() == 1 ? distinct.iterator().next()
                : "[" + String.join(", ", distinct) + "]");
    }

    /** The service account of a token one of the service-account authenticators takes up; empty when neither does. */
    private Optional<Authentication.Authenticated> serviceAccount(String token, List<String> audiences)
            throws InvalidTokenException {
        Optional<ServiceAccountTokens.Claims> bound = tokens.verify(token, audiences, clock.instant());
        if (bound.isPresent()) {
            return Optional.of(new Authentication.Authenticated(bound(bound.get()),
                    Audiences.intersect(bound.get().audiences(), audiences)));
        }
        Optional<ServiceAccountTokens.LegacyClaims> legacy = tokens.verifyLegacy(token, audiences);
        if (legacy.isPresent()) {
            return Optional.of(legacy(token, legacy.get(), Audiences.intersect(Audiences.API, audiences)));
        }
        return Optional.empty();
    }

    /** The service account validator's checks of a bound token (claims.go), in its words. */
    private UserInfo bound(ServiceAccountTokens.Claims claims) throws InvalidTokenException {
        String account = uids.of("ServiceAccount", claims.namespace(), claims.serviceAccount()).orElseThrow(
                () -> new InvalidTokenException("serviceaccounts \"" + claims.serviceAccount() + "\" not found"));
        if (!account.equals(claims.serviceAccountUid())) {
            throw new InvalidTokenException("service account UID (" + account + ") does not match claim ("
                    + claims.serviceAccountUid() + ")");
        }
        ServiceAccountTokens.BoundObject bound = claims.bound();
        if (bound != null) {
            String uid = uids.of(bound.kind(), bound.kind().equals("Node") ? null : claims.namespace(), bound.name())
                    .orElseThrow(() -> new InvalidTokenException("service account token has been invalidated"));
            if (!uid.equals(bound.uid())) {
                String kind = bound.kind().toLowerCase(java.util.Locale.ROOT);
                throw new InvalidTokenException(kind + " UID (" + uid + ") does not match service account " + kind
                        + " ref claim (" + bound.uid() + ")");
            }
        }
        return UserInfo.serviceAccount(claims.namespace(), claims.serviceAccount(), claims.serviceAccountUid(),
                extra(claims));
    }

    /**
     * A Secret's long-lived token (kube-apiserver's legacy service-account validator, in its order and words): valid
     * while its Secret still holds it, its service account exists with the uid it names and the Secret is not marked
     * {@value #INVALID_SINCE_LABEL}; each use, even a refused one of a marked Secret, is recorded. The token of a
     * Secret its account lists (an auto-generated one) is warned about.
     */
    private Authentication.Authenticated legacy(String token, ServiceAccountTokens.LegacyClaims claims,
            List<String> audiences) throws InvalidTokenException {
        TokenSecret secret = secretTokens.of(claims.namespace(), claims.secretName())
                .filter(s -> !s.deleting())
                .orElseThrow(() -> new InvalidTokenException("Token has been invalidated"));
        if (!java.security.MessageDigest.isEqual(secret.token().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new InvalidTokenException("Token does not match server's copy");
        }
        String account = uids.of("ServiceAccount", claims.namespace(), claims.serviceAccount()).orElseThrow(
                () -> new InvalidTokenException("serviceaccounts \"" + claims.serviceAccount() + "\" not found"));
        if (!account.equals(claims.serviceAccountUid())) {
            throw new InvalidTokenException("ServiceAccount UID (" + account + ") does not match claim ("
                    + claims.serviceAccountUid() + ")");
        }
        recordUse(secret);
        if (!secret.labels().getOrDefault(INVALID_SINCE_LABEL, "").isEmpty()) {
            throw new InvalidTokenException("the token in secret " + claims.namespace() + "/" + claims.secretName()
                    + " for service account " + claims.namespace() + "/" + claims.serviceAccount() + " has been "
                    + "marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, "
                    + "or remove the '" + INVALID_SINCE_LABEL + "' label from the secret to temporarily allow use of "
                    + "this token");
        }
        List<String> warnings = listedSecrets.lists(claims.namespace(), claims.serviceAccount(), secret.name())
                ? List.of(AUTO_GENERATED_WARNING) : List.of();
        return new Authentication.Authenticated(UserInfo.serviceAccount(claims.namespace(), claims.serviceAccount(),
                claims.serviceAccountUid(), Map.of()), audiences, warnings);
    }

    /** patchSecretWithLastUsedDate: once a day, unless the label already says today (or tomorrow, another clock's). */
    private void recordUse(TokenSecret secret) {
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        String lastUsed = secret.labels().getOrDefault(LAST_USED_LABEL, "");
        if (!lastUsed.equals(today.toString()) && !lastUsed.equals(today.plusDays(1).toString())) {
            legacyTokenUses.used(secret, today.toString());
        }
    }

    /**
     * ServiceAccountInfo.UserInfo's extra: the credential id of a token with a jti, the pod a token is bound to,
     * and the node it names.
     */
    private static Map<String, List<String>> extra(ServiceAccountTokens.Claims claims) {
        Map<String, List<String>> extra = new TreeMap<>();
        String prefix = "authentication.kubernetes.io/";
        if (claims.bound() != null && claims.bound().kind().equals("Pod")) {
            extra.put(prefix + "pod-name", List.of(claims.bound().name()));
            extra.put(prefix + "pod-uid", List.of(claims.bound().uid()));
        }
        if (!claims.jti().isEmpty()) {
            extra.put(prefix + "credential-id", List.of("JTI=" + claims.jti()));
        }
        if (claims.node() != null) {
            extra.put(prefix + "node-name", List.of(claims.node().name()));
            if (!claims.node().uid().isEmpty()) {
                extra.put(prefix + "node-uid", List.of(claims.node().uid()));
            }
        }
        return extra;
    }
}
