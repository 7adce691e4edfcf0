package io.drover.api.kubelet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the API server calls a node's kubelet endpoint (kube-apiserver's kubelet client): HTTPS that
 * trusts only the cluster CA and checks the certificate against the node address it dials, and
 * the bearer token the agents accept. Responses are streamed: a followed log can last for hours.
 */
public final class KubeletClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final String token;

    private KubeletClient(HttpClient http, String token) {
        this.http = http;
        this.token = token;
    }

    /** A client trusting {@code caPem} and authenticating with {@code token}. */
    public static KubeletClient create(String caPem, String token) {
        try {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("drover-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            return new KubeletClient(http, token);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for the kubelet client", e);
        }
    }

    /**
     * GETs {@code pathAndQuery} (already encoded) from the kubelet at {@code host:port}; the body is
     * a stream the caller closes (closing it early drops the connection).
     *
     * @throws IOException when the kubelet cannot be reached
     */
    public HttpResponse<InputStream> get(String host, int port, String pathAndQuery)
            throws IOException, InterruptedException {
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + authority + pathAndQuery))
                .header("Authorization", "Bearer " + token).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }
}
