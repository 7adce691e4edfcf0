package io.drover.store;

/** A write carried a value larger than {@link Store#MAX_VALUE_BYTES}. */
public final class ValueTooLargeException extends StoreException {
    private final String key;
    private final long size;

    public ValueTooLargeException(String key, long size) {
        super("value of key " + key + " is " + size + " bytes (limit: " + Store.MAX_VALUE_BYTES
                + " bytes)");
        this.key = key;
        this.size = size;
    }

    public String key() {
        return key;
    }

    public long size() {
        return size;
    }

    /** Throws when {@code value} is over the limit. */
    public static void check(String key, byte[] value) {
        if (value.length > Store.MAX_VALUE_BYTES) {
            throw new ValueTooLargeException(key, value.length);
        }
    }
}
