package io.drover.api.security;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Writes the kubeconfig that lets kubectl reach this cluster: one cluster and one context named
 * "drover", one user holding a bearer token, verified against the cluster CA.
 *
 * <p>The shape is fixed, so it is written as text rather than through a YAML library; every value
 * is a double-quoted YAML scalar with escapes, so no value can break out of its field.
 */
public final class Kubeconfig {
    private Kubeconfig() {}

    static final String CLUSTER = "drover";
    static final String CONTEXT = "drover";

    /**
     * Writes {@code file} atomically with mode 0600 (it holds a credential).
     *
     * @param server the API server's URL; https, because kubectl only sends a bearer token over TLS
     * @param caPem the PEM of the CA that signed the server's certificate
     */
    public static void write(Path file, URI server, String caPem, String token, String userName) throws IOException {
        SecureFiles.write(file, render(server, caPem, token, userName).getBytes(StandardCharsets.UTF_8), SecureFiles.SECRET);
    }

    static String render(URI server, String caPem, String token, String userName) {
        if (server == null || !"https".equals(server.getScheme()) || server.getHost() == null) {
            throw new IllegalArgumentException("server: " + server + " (expected: an https URL with a host)");
        }
        if (caPem == null || !caPem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("caPem: " + (caPem == null ? "null" : caPem.length() + " characters without a certificate")
                    + " (expected: a PEM certificate)");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token: " + (token == null ? "null" : "blank") + " (expected: a bearer token)");
        }
        if (userName == null || userName.isBlank()) {
            throw new IllegalArgumentException("userName: " + userName + " (expected: a non-blank name)");
        }
        String caData = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                    certificate-authority-data: %3$s
                users:
                - name: %4$s
                  user:
                    token: %5$s
                contexts:
                - name: %6$s
                  context:
                    cluster: %1$s
                    user: %4$s
                    namespace: "default"
                current-context: %6$s
                preferences: {}
                """.formatted(
                        quoted(CLUSTER), quoted(server.toString()), quoted(caData), quoted(userName), quoted(token), quoted(CONTEXT));
    }

    /** A YAML double-quoted scalar: backslash, quote and control characters escaped. */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    // Other characters stay as they are: the file is UTF-8, which YAML reads natively.
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
