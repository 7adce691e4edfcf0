package io.drover.store;

/** The backend could not be reached or failed (I/O error, etcd unreachable, store closed). */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
