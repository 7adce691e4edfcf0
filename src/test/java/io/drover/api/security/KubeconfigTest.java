package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The kubeconfig's text; {@code KubeconfigIT} runs kubectl on it. */
class KubeconfigTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void rendersClusterUserAndContext() {
        String yaml = Kubeconfig.render(URI.create("https://127.0.0.1:6443"), PEM, "abc123", "admin");

        assertThat(yaml)
                .startsWith("apiVersion: v1\nkind: Config\n")
                .contains("server: \"https://127.0.0.1:6443\"")
                .contains("certificate-authority-data: \""
                        + Base64.getEncoder().encodeToString(PEM.getBytes(StandardCharsets.US_ASCII)) + "\"")
                .contains("- name: \"admin\"\n  user:\n    token: \"abc123\"")
                .contains("current-context: \"drover\"")
                .contains("namespace: \"default\"");
    }

    @Test
    void quotesValuesSoTheyCannotEscapeTheirField() {
        assertThat(Kubeconfig.quoted("a\"b\\c\nd: e")).isEqualTo("\"a\\\"b\\\\c\\u000ad: e\"");
    }

    @Test
    void refusesPlainHttpBecauseKubectlWouldNotSendTheToken() {
        assertThatThrownBy(() -> Kubeconfig.render(URI.create("http://127.0.0.1:6443"), PEM, "t", "admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: an https URL");
    }
}
