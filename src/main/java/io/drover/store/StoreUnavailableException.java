package io.drover.store;

/** The backend could not be reached or failed (I/O error, etcd unreachable, store closed). */
public sealed class StoreUnavailableException extends StoreException permits StoreTimeoutException {
    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
