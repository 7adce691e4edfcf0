package io.drover.api.validation;

/**
 * Decodes standard, padded base64 as Go's encoding/json decodes a []byte (base64.StdEncoding, which skips CR and
 * LF), failing with Go's message {@code illegal base64 data at input byte N}.
 */
public final class Base64Values {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Each ASCII character's value in the alphabet, -1 for one outside it. */
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int v = 0; v < ALPHABET.length(); v++) {
            VALUES[ALPHABET.charAt(v)] = v;
        }
    }

    /** A value that is not valid base64; the message is Go's. */
    public static final class IllegalBase64 extends Exception {
        IllegalBase64(int offset) {
            super("illegal base64 data at input byte " + offset, null, false, false);
        }
    }

    private Base64Values() {}

    public static byte[] decode(String s) throws IllegalBase64 {
        // Every check of a write decodes each Secret and binaryData value: a plain array, no stream.
        byte[] out = new byte[s.length() * 3 / 4 + 3];
        int n = 0;
        int[] quantum = new int[4];
        int j = 0;
        int quantumStart = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n') {
                i++;
                continue;
            }
            if (j == 0) {
                quantumStart = i;
            }
            if (c == '=') {
                // Padding: only as the third or fourth character of the last quantum.
                if (j < 2) {
                    throw new IllegalBase64(i);
                }
                int k = i + 1;
                if (j == 2) {
                    while (k < s.length() && (s.charAt(k) == '\r' || s.charAt(k) == '\n')) {
                        k++;
                    }
                    if (k >= s.length() || s.charAt(k) != '=') {
                        throw new IllegalBase64(k >= s.length() ? s.length() : k);
                    }
                    k++;
                }
                while (k < s.length() && (s.charAt(k) == '\r' || s.charAt(k) == '\n')) {
                    k++;
                }
                if (k < s.length()) {
                    throw new IllegalBase64(k);
                }
                out[n++] = (byte) ((quantum[0] << 2) | (quantum[1] >> 4));
                if (j == 3) {
                    out[n++] = (byte) (((quantum[1] & 0xf) << 4) | (quantum[2] >> 2));
                }
                return java.util.Arrays.copyOf(out, n);
            }
            int v = c < VALUES.length ? VALUES[c] : -1;
            if (v < 0) {
                throw new IllegalBase64(i);
            }
            quantum[j++] = v;
            if (j == 4) {
                out[n++] = (byte) ((quantum[0] << 2) | (quantum[1] >> 4));
                out[n++] = (byte) (((quantum[1] & 0xf) << 4) | (quantum[2] >> 2));
                out[n++] = (byte) (((quantum[2] & 0x3) << 6) | quantum[3]);
                j = 0;
            }
            i++;
        }
        if (j != 0) {
            throw new IllegalBase64(quantumStart);
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
