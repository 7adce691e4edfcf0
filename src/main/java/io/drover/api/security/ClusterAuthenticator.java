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

    /**
     * The token a kubernetes.io/service-account-token Secret holds (its data.token, decoded); empty when the Secret
     * does not exist, is being deleted or holds none.
     */
    @FunctionalInterface
    public interface SecretTokens {
        Optional<String> of(String namespace, String name);
    }

    private final ClusterCredentials credentials;
    private final ServiceAccountTokens tokens;
    private final Uids uids;
    private final SecretTokens secretTokens;
    private final Clock clock;

    public ClusterAuthenticator(ClusterCredentials credentials, ServiceAccountTokens tokens, Uids uids,
            SecretTokens secretTokens, Clock clock) {
        this.credentials = credentials;
        this.tokens = tokens;
        this.uids = uids;
        this.secretTokens = secretTokens;
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
            return Optional.of(new Authentication.Authenticated(legacy(token, legacy.get()),
                    Audiences.intersect(Audiences.API, audiences)));
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
     * A Secret's long-lived token (kube-apiserver's legacy service-account validator): valid while its Secret still
     * holds it and its service account exists with the uid it names, so deleting either revokes it.
     */
    private UserInfo legacy(String token, ServiceAccountTokens.LegacyClaims claims) throws InvalidTokenException {
        String held = secretTokens.of(claims.namespace(), claims.secretName())
                .orElseThrow(() -> new InvalidTokenException("Token has been invalidated"));
        if (!held.equals(token)) {
            throw new InvalidTokenException("Token does not match server's copy");
        }
        String account = uids.of("ServiceAccount", claims.namespace(), claims.serviceAccount()).orElseThrow(
                () -> new InvalidTokenException("serviceaccounts \"" + claims.serviceAccount() + "\" not found"));
        if (!account.equals(claims.serviceAccountUid())) {
            throw new InvalidTokenException("ServiceAccount UID (" + account + ") does not match claim ("
                    + claims.serviceAccountUid() + ")");
        }
        return UserInfo.serviceAccount(claims.namespace(), claims.serviceAccount(), claims.serviceAccountUid(), Map.of());
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
