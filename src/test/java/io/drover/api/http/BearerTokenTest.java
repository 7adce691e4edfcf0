package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Authorization header as kube-apiserver's bearertoken authenticator reads it. */
class BearerTokenTest {

    @Test
    void theTokenIsTheWordAfterOneSpaceAndAnEmptyOneIsNone() {
        assertThat(ApiRouter.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(ApiRouter.bearerToken("bearer abc")).isEqualTo("abc");
        assertThat(ApiRouter.bearerToken("Bearer abc def")).isEqualTo("abc");
        // Anonymous, not a failed token: no header, another scheme, no token, or two spaces before it.
        assertThat(ApiRouter.bearerToken(null)).isNull();
        assertThat(ApiRouter.bearerToken("Basic YWJj")).isNull();
        assertThat(ApiRouter.bearerToken("Bearer ")).isNull();
        assertThat(ApiRouter.bearerToken("Bearer  abc")).isNull();
        assertThat(ApiRouter.bearerToken("Bearer")).isNull();
    }
}
