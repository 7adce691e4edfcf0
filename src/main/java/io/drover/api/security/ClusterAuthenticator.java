package io.drover.api.security;

import java.time.Clock;
import java.util.Optional;

/**
 * The API server's authenticators: the admin token of the kubeconfig, and service account tokens
 * (kube-apiserver's service-account JWT authenticator): signed by this cluster, for the API
 * server's audience, unexpired, and naming a service account, and a bound object if any, that
 * still exists with the uid the token names, so that deleting either revokes the token; and the
 * long-lived tokens of kubernetes.io/service-account-token Secrets, valid while their Secret holds them.
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
        return authenticate(token, ServiceAccountTokens.ISSUER);
    }

    @Override
    public Optional<UserInfo> authenticate(String token, String audience) {
        if (credentials.isAdminToken(token)) {
            return Optional.of(UserInfo.ADMIN);
        }
        Optional<ServiceAccountTokens.Claims> verified = tokens.verify(token, audience, clock.instant());
        if (verified.isEmpty()) {
            return legacy(token, audience);
        }
        ServiceAccountTokens.Claims claims = verified.get();
        if (!uids.of("ServiceAccount", claims.namespace(), claims.serviceAccount())
                .map(claims.serviceAccountUid()::equals).orElse(false)) {
            return Optional.empty();
        }
        ServiceAccountTokens.BoundObject bound = claims.bound();
        if (bound != null && !uids.of(bound.kind(), bound.kind().equals("Node") ? null : claims.namespace(), bound.name())
                .map(bound.uid()::equals).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(UserInfo.serviceAccount(claims.namespace(), claims.serviceAccount(),
                claims.serviceAccountUid(), extra(claims)));
    }

    /**
     * A Secret's long-lived token (kube-apiserver's legacy service-account authenticator): valid for the API server's
     * own audience only, while its Secret still holds it and its service account exists with the uid it names, so
     * deleting either revokes it.
     */
    private Optional<UserInfo> legacy(String token, String audience) {
        if (!ServiceAccountTokens.ISSUER.equals(audience)) {
            return Optional.empty();
        }
        return tokens.verifyLegacy(token)
                .filter(claims -> secretTokens.of(claims.namespace(), claims.secretName()).map(token::equals).orElse(false))
                .filter(claims -> uids.of("ServiceAccount", claims.namespace(), claims.serviceAccount())
                        .map(claims.serviceAccountUid()::equals).orElse(false))
                .map(claims -> UserInfo.serviceAccount(claims.namespace(), claims.serviceAccount(),
                        claims.serviceAccountUid(), java.util.Map.of()));
    }

    /**
     * ServiceAccountInfo.UserInfo's extra: the credential id of a token with a jti, the pod a token is bound to,
     * and the node it names.
     */
    private static java.util.Map<String, java.util.List<String>> extra(ServiceAccountTokens.Claims claims) {
        java.util.Map<String, java.util.List<String>> extra = new java.util.TreeMap<>();
        String prefix = "authentication.kubernetes.io/";
        if (claims.bound() != null && claims.bound().kind().equals("Pod")) {
            extra.put(prefix + "pod-name", java.util.List.of(claims.bound().name()));
            extra.put(prefix + "pod-uid", java.util.List.of(claims.bound().uid()));
        }
        if (!claims.jti().isEmpty()) {
            extra.put(prefix + "credential-id", java.util.List.of("JTI=" + claims.jti()));
        }
        if (claims.node() != null) {
            extra.put(prefix + "node-name", java.util.List.of(claims.node().name()));
            if (!claims.node().uid().isEmpty()) {
                extra.put(prefix + "node-uid", java.util.List.of(claims.node().uid()));
            }
        }
        return extra;
    }
}
