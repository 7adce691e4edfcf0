package io.drover.store;

/**
 * The backend did not answer in time. Unlike a refused connection, the request may have reached it
 * and may still take effect, so a write's outcome is unknown.
 */
public final class StoreTimeoutException extends StoreUnavailableException {
    public StoreTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
