package io.drover.api.security;

import java.util.Optional;

/** Turns a request's bearer token into the user it stands for. */
@FunctionalInterface
public interface Authenticator {

    /** The user {@code token} (possibly null) authenticates; empty when it authenticates nobody. */
    Optional<UserInfo> authenticate(String token);

    /**
     * The user {@code token} authenticates for {@code audience} (a TokenReview's); by default the
     * API server's own, which the admin token is good for whatever the audience.
     */
    default Optional<UserInfo> authenticate(String token, String audience) {
        return authenticate(token);
    }

    /** The admin token of {@code credentials} and nothing else. */
    static Authenticator adminOnly(ClusterCredentials credentials) {
        return token -> credentials.isAdminToken(token) ? Optional.of(UserInfo.ADMIN) : Optional.empty();
    }
}
