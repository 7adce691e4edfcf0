package io.drover.store;

/** A range was given a continue token that this store did not issue for that prefix. */
public final class InvalidContinueTokenException extends StoreException {
    public InvalidContinueTokenException(String message) {
        super(message);
    }
}
