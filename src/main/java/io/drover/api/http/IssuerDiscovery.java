package io.drover.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.security.ServiceAccountTokens;
import java.io.IOException;

/**
 * Service account issuer discovery, as kube-apiserver serves it: the OpenID provider configuration at
 * /.well-known/openid-configuration and the signing keys at /openid/v1/jwks, so that a party outside the cluster
 * can verify this cluster's service account tokens. The jwks_uri names the host the request came to (kube-apiserver
 * uses its external address, or --service-account-jwks-uri).
 */
final class IssuerDiscovery {
    static final String CONFIGURATION = "/.well-known/openid-configuration";
    static final String KEYS = "/openid/v1/jwks";

    private final ObjectMapper json;
    private final ServiceAccountTokens tokens;

    IssuerDiscovery(ObjectMapper json, ServiceAccountTokens tokens) {
        this.json = json;
        this.tokens = tokens;
    }

    static boolean handles(String path) {
        return path.equals(CONFIGURATION) || path.equals(KEYS);
    }

    void handle(ApiRequest request, String path, ApiResponse response) throws IOException {
        response.addHeader("Cache-Control", "public, max-age=3600"); // as kube-apiserver lets others cache them
        if (path.equals(KEYS)) {
            response.send(200, "application/jwk-set+json", json.writeValueAsBytes(tokens.jwks()));
            return;
        }
        ObjectNode configuration = json.createObjectNode();
        configuration.put("issuer", ServiceAccountTokens.ISSUER);
        String host = request.header("host");
        configuration.put("jwks_uri", "https://" + (host == null ? "localhost" : host) + KEYS);
        configuration.putArray("response_types_supported").add("id_token");
        configuration.putArray("subject_types_supported").add("public");
        configuration.putArray("id_token_signing_alg_values_supported").add("ES256");
        response.send(200, "application/json", json.writeValueAsBytes(configuration));
    }
}
