package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real TLS handshake against the serving certificate, trusting nothing but the cluster CA. */
class TlsHandshakeIT {
    @TempDir
    Path dataDir;

    private ClusterCredentials credentials;
    private TestHttpsServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        credentials = ClusterCredentials.loadOrCreate(dataDir);
        server = TestHttpsServer.start(credentials);
        // The default HttpClient verifies the host name against the certificate's SANs.
        client = HttpClient.newBuilder()
                .sslContext(TestHttpsServer.trustingOnly(credentials.caCertificatePem()))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void handshakeVerifiesHostNameAgainstTheCa(String host) throws Exception {
        URI version = URI.create("https://" + host + ":" + server.port() + "/version");

        HttpResponse<String> withToken = client.send(
                HttpRequest.newBuilder(version).header("Authorization", "Bearer " + credentials.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> withoutToken =
                client.send(HttpRequest.newBuilder(version).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).isEqualTo(TestHttpsServer.VERSION_JSON);
        assertThat(withoutToken.statusCode()).isEqualTo(401);
    }
}
