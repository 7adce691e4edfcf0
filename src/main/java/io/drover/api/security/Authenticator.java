package io.drover.api.security;

import java.util.List;
import java.util.Optional;

/** Turns a request's bearer token into the user it stands for. */
@FunctionalInterface
public interface Authenticator {
    /** bearertoken's error for a token that no authenticator took up. */
    String INVALID_BEARER_TOKEN = "invalid bearer token";

    /** The user {@code token} (possibly null) authenticates for the API server; empty when it authenticates nobody. */
    Optional<UserInfo> authenticate(String token);

    /**
     * What a TokenReview of {@code token} for {@code audiences} answers. By default the token is audience agnostic,
     * as kube-apiserver's static tokens are (WrapAudienceAgnosticToken): good for those of the API server's own
     * audiences that are asked for, and for nothing when none is.
     */
    default Authentication review(String token, List<String> audiences) {
        List<String> common = Audiences.intersect(Audiences.API, audiences);
        Optional<UserInfo> user = common.isEmpty() ? Optional.empty() : authenticate(token);
        return user.<Authentication>map(u -> new Authentication.Authenticated(u, common))
                .orElseGet(() -> new Authentication.Unauthenticated(INVALID_BEARER_TOKEN));
    }

    /** The admin token of {@code credentials} and nothing else. */
    static Authenticator adminOnly(ClusterCredentials credentials) {
        return token -> credentials.isAdminToken(token) ? Optional.of(UserInfo.ADMIN) : Optional.empty();
    }
}
