package io.drover.api.security;

import java.util.List;

/**
 * What a TokenReview learns of a token: the user it authenticates and for which of the audiences asked, or why it
 * authenticates nobody, in kube-apiserver's words ({@code status.error}).
 */
public sealed interface Authentication {
    /**
     * The token is {@code user}'s, valid for {@code audiences} (those asked for that it is good for); {@code warnings}
     * are what its authenticator adds to the response's Warning headers (warning.AddWarning while authenticating).
     */
    record Authenticated(UserInfo user, List<String> audiences, List<String> warnings) implements Authentication {
        public Authenticated {
            audiences = List.copyOf(audiences);
            warnings = List.copyOf(warnings);
        }

        /** Authenticated without a warning. */
        public Authenticated(UserInfo user, List<String> audiences) {
            this(user, audiences, List.of());
        }
    }

    /** The token authenticates nobody; {@code error} is what kube-apiserver's authenticators said. */
    record Unauthenticated(String error) implements Authentication {}
}
