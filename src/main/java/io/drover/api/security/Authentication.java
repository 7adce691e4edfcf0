package io.drover.api.security;

import java.util.List;

/**
 * What a TokenReview learns of a token: the user it authenticates and for which of the audiences asked, or why it
 * authenticates nobody, in kube-apiserver's words ({@code status.error}).
 */
public sealed interface Authentication {
    /** The token is {@code user}'s, valid for {@code audiences} (those asked for that it is good for). */
    record Authenticated(UserInfo user, List<String> audiences) implements Authentication {
        public Authenticated {
            audiences = List.copyOf(audiences);
        }
    }

    /** The token authenticates nobody; {@code error} is what kube-apiserver's authenticators said. */
    record Unauthenticated(String error) implements Authentication {}
}
