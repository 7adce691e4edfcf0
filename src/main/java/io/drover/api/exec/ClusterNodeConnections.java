package io.drover.api.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.security.ClusterCredentials;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Nodes as drover's node agents serve them: HTTPS on {@code status.daemonEndpoints.kubeletEndpoint.Port}
 * at the node's InternalIP (else its first address), with a certificate from the cluster CA; the
 * API server authenticates with the admin token. (The logs work brings the agent's server; this is
 * the minimal seam implementation exec needs until it lands.)
 */
public final class ClusterNodeConnections implements NodeConnections {
    private final SSLContext ssl;
    private final String authorization;

    public ClusterNodeConnections(ClusterCredentials credentials) throws GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            trust.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        trust.setCertificateEntry("cluster-ca", CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(credentials.caCertificatePem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        this.ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers.getTrustManagers(), null);
        this.authorization = "Bearer " + credentials.adminToken();
    }

    @Override
    public URI kubeletBase(ObjectNode node) {
        String name = node.path("metadata").path("name").asText();
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        if (port <= 0) {
            throw ApiException.badRequest("node " + name + " does not report a kubelet port");
        }
        String address = null;
        for (String type : List.of("InternalIP", "ExternalIP", "Hostname")) {
            for (JsonNode a : node.path("status").path("addresses")) {
                if (address == null && a.path("type").asText().equals(type)) {
                    address = a.path("address").asText();
                }
            }
        }
        if (address == null || address.isEmpty()) {
            throw ApiException.badRequest("node " + name + " has no address");
        }
        String host = address.contains(":") ? "[" + address + "]" : address;
        return URI.create("https://" + host + ":" + port);
    }

    @Override
    public SSLContext sslContext() {
        return ssl;
    }

    @Override
    public Optional<String> authorization() {
        return Optional.of(authorization);
    }
}
