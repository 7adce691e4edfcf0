package io.drover.store;

/** Why a store operation failed. The subclasses form the closed set of failures callers handle. */
public abstract sealed class StoreException extends RuntimeException
        permits KeyExistsException,
                ConflictException,
                CompactedException,
                FutureRevisionException,
                ValueTooLargeException,
                InvalidContinueTokenException,
                StoreUnavailableException {

    protected StoreException(String message) {
        super(message);
    }

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
