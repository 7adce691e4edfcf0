package io.drover.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position where a paged range continues: the revision the first page was read at and the key
 * (relative to the prefix) to start from. Encoded as an opaque URL-safe string, as Kubernetes'
 * continue parameter is.
 *
 * @param revision the revision all pages are read at; {@link #LATEST} for the newest at each read
 * @param startAfter the last key returned so far, relative to the prefix
 */
public record ContinueToken(long revision, String startAfter) {
    /**
     * The revision of a token that goes on at the newest revision (kube-apiserver's resourceVersion
     * -1): what a list whose own revision was compacted may continue with, inconsistently.
     */
    public static final long LATEST = -1;

    private static final String VERSION = "d1";

    /** The revision to read at: the token's, or 0 (the newest) for {@link #LATEST}. */
    public long readRevision() {
        return revision == LATEST ? 0 : revision;
    }

    public String encode() {
        String plain = VERSION + ":" + revision + ":" + startAfter;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The token for the page after {@code lastKey}, a key under {@code prefix}. */
    public static ContinueToken after(String prefix, String lastKey, long revision) {
        return new ContinueToken(revision, lastKey.substring(prefix.length()));
    }

    /** The absolute key after which the next page starts. */
    public String startAfterKey(String prefix) {
        return prefix + startAfter;
    }

    /**
     * Where Go's base64 decoder reports a token wrong, as kube-apiserver's message names it: the first byte
     * outside the URL-safe alphabet, else the start of a last group too short to be one.
     */
    private static int illegalBase64Offset(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_';
            if (!alphabet && !(c == '=' && i >= token.length() - 2)) {
                return i;
            }
        }
        return token.length() - token.length() % 4;
    }

    public static ContinueToken decode(String token) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidContinueTokenException("continue key is not valid: illegal base64 data at input byte "
                    + illegalBase64Offset(token));
        }
        String[] parts = plain.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new InvalidContinueTokenException("continue token has an unknown format");
        }
        long revision;
        try {
            revision = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new InvalidContinueTokenException("continue token has an invalid revision: " + parts[1]);
        }
        if (revision <= 0 && revision != LATEST) {
            throw new InvalidContinueTokenException("continue token names no position");
        }
        return new ContinueToken(revision, parts[2]);
    }
}
