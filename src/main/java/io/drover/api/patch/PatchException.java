package io.drover.api.patch;

/**
 * A strategic merge patch that cannot be applied: a malformed directive, a list element without its merge key,
 * or lists whose elements cannot be merged. The API layer answers it with a 4xx, never a 500.
 */
public final class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PatchException(String message) {
        super(message);
    }
}
