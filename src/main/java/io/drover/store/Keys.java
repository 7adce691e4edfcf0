package io.drover.store;

/** Helpers for key arguments shared by the backends. */
public final class Keys {
    private Keys() {}

    public static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: " + (key == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
        return key;
    }

    public static String requirePrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("prefix: null (expected: a string, \"\" for every key)");
        }
        return prefix;
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}, or null when there is
     * none (the empty prefix). Computed on UTF-16 code units, which order like UTF-8 bytes for the
     * ASCII keys the API server writes.
     */
    public static String prefixEnd(String prefix) {
        for (int i = prefix.length() - 1; i >= 0; i--) {
            char c = prefix.charAt(i);
            if (c != Character.MAX_VALUE) {
                return prefix.substring(0, i) + (char) (c + 1);
            }
        }
        return null;
    }
}
