package io.drover.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The bearer token of the cluster administrator: 32 random bytes in hex, kept in a 0600 file. */
final class AdminToken {
    private static final int BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{" + (2 * BYTES) + "}");

    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    /** Reads the token from {@code file}, or creates the file with a new token when it does not exist. */
    static AdminToken loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String value = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!FORMAT.matcher(value).matches()) {
                // Never echo the content: it may be a secret someone put there by hand.
                throw new IOException(file + ": not an admin token (expected: " + 2 * BYTES + " lowercase hex digits)");
            }
            return new AdminToken(value);
        }
        byte[] random = new byte[BYTES];
        new SecureRandom().nextBytes(random);
        String value = HexFormat.of().formatHex(random);
        SecureFiles.write(file, (value + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.SECRET);
        return new AdminToken(value);
    }

    String value() {
        return value;
    }

    /** Compares in time independent of where {@code candidate} differs, so timing reveals no prefix. */
    boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AdminToken[redacted]";
    }
}
