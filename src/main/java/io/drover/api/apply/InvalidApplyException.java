package io.drover.api.apply;

/**
 * An applied configuration that cannot be turned into a field set: an associative list element without its key,
 * or two elements with the same key. Kubernetes reports these as 422 Invalid; the caller builds that error.
 */
public final class InvalidApplyException extends RuntimeException {
    public InvalidApplyException(String message) {
        super(message);
    }
}
