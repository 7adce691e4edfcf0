package io.drover.api.security;

/**
 * A token an authenticator took up (its issuer is one of this cluster's) and refused, with kube-apiserver's reason:
 * {@code service account token has expired}. A token no authenticator takes up is no exception, just nobody's.
 */
final class InvalidTokenException extends Exception {
    InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
