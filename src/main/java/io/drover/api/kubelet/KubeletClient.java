package io.drover.api.kubelet;

import java.util.Optional;
import java.util.List;
import io.drover.api.ApiException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
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
public final class KubeletClient implements NodeConnections {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** kube-apiserver's default --kubelet-port, used when a Node advertises none. */
    static final int DEFAULT_KUBELET_PORT = 10250;
    /** Node address types tried in order: InternalIP first, as drover's Hostname is the node name. */
    private static final List<String> ADDRESS_TYPES = List.of("InternalIP", "Hostname", "ExternalIP");

    private final HttpClient http;
    private final SSLContext tls;
    private final String token;

    private KubeletClient(HttpClient http, SSLContext tls, String token) {
        this.http = http;
        this.tls = tls;
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
            return new KubeletClient(http, tls, token);
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
    public HttpResponse<InputStream> get(URI kubeletBase, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(kubeletBase.resolve(pathAndQuery))
                .header("Authorization", "Bearer " + token).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Override
    public URI kubeletBase(ObjectNode node) {
        JsonNode addresses = node.path("status").path("addresses");
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        for (String type : ADDRESS_TYPES) {
            for (JsonNode a : addresses) {
                String address = a.path("address").asText("");
                if (type.equals(a.path("type").asText()) && !address.isEmpty()) {
                    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
                    return URI.create("https://" + host + ":" + (port == 0 ? DEFAULT_KUBELET_PORT : port));
                }
            }
        }
        throw ApiException.unavailable("no preferred addresses found for node "
                + node.path("metadata").path("name").asText() + "; known addresses: " + addresses);
    }

    @Override
    public SSLContext sslContext() {
        return tls;
    }

    @Override
    public Optional<String> authorization() {
        return Optional.of("Bearer " + token);
    }
}
