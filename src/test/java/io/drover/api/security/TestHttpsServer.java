package io.drover.api.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK HTTPS server on 127.0.0.1 serving with {@link ClusterCredentials}, standing in for the API
 * server: {@code GET /version} answers a Kubernetes version for the admin token and 401 otherwise.
 */
final class TestHttpsServer implements AutoCloseable {
    static final String VERSION_JSON =
            "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.4\",\"platform\":\"linux/amd64\"}";
    private static final String UNAUTHORIZED_JSON = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";

    private final HttpsServer server;

    private TestHttpsServer(HttpsServer server) {
        this.server = server;
    }

    static TestHttpsServer start(ClusterCredentials credentials) throws IOException, GeneralSecurityException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(credentials)));
        server.createContext("/", exchange -> respond(exchange, credentials));
        server.start();
        return new TestHttpsServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** An SSLContext that trusts only the CA in {@code caPem}, as kubectl does with certificate-authority-data. */
    static SSLContext trustingOnly(String caPem) throws GeneralSecurityException, IOException {
        Certificate ca = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("drover-ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static SSLContext serverContext(ClusterCredentials credentials) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(credentials.serverKeyStore(), credentials.keyStorePassword());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void respond(HttpExchange exchange, ClusterCredentials credentials) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean admin = authorization != null
                    && authorization.startsWith("Bearer ")
                    && credentials.isAdminToken(authorization.substring("Bearer ".length()));
            boolean version = "GET".equals(exchange.getRequestMethod()) && "/version".equals(exchange.getRequestURI().getPath());
            int status = !admin ? 401 : version ? 200 : 404;
            String body = !admin ? UNAUTHORIZED_JSON : version ? VERSION_JSON : "{}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
