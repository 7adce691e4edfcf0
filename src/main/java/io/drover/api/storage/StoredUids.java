package io.drover.api.storage;

import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.security.ClusterAuthenticator;
import java.util.Optional;

/**
 * The uids of core/v1 objects, and the tokens of service-account-token Secrets, as stored: what a service account
 * token's claims are checked against.
 */
public final class StoredUids implements ClusterAuthenticator.Uids, ClusterAuthenticator.SecretTokens,
        ClusterAuthenticator.ListedSecrets {
    private final ObjectStorage storage;
    private final ResourceRegistry registry;

    public StoredUids(ObjectStorage storage, ResourceRegistry registry) {
        this.storage = storage;
        this.registry = registry;
    }

    @Override
    public Optional<String> of(String kind, String namespace, String name) {
        ResourceType type = registry.findKind("v1", kind).orElseThrow(
                () -> new IllegalArgumentException("kind: " + kind + " (expected: a core/v1 kind)"));
        try {
            com.fasterxml.jackson.databind.JsonNode metadata = storage.get(type, type.namespaced() ? namespace : null,
                    name).path("metadata");
            // An account being deleted authenticates no more (the service account token validator's check).
            if (kind.equals("ServiceAccount") && metadata.hasNonNull("deletionTimestamp")) {
                return Optional.empty();
            }
            return Optional.of(metadata.path("uid").asText());
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The Secret with its decoded data.token ("" when it holds none or no base64), labels and deletion mark. */
    @Override
    public Optional<ClusterAuthenticator.TokenSecret> of(String namespace, String name) {
        ResourceType secrets = registry.find("", "v1", "secrets").orElseThrow();
        com.fasterxml.jackson.databind.JsonNode secret;
        try {
            secret = storage.get(secrets, namespace, name);
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        com.fasterxml.jackson.databind.JsonNode metadata = secret.path("metadata");
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        metadata.path("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
        return Optional.of(new ClusterAuthenticator.TokenSecret(namespace, name, metadata.path("uid").asText(),
                token(secret.path("data").path("token").asText("")), metadata.hasNonNull("deletionTimestamp"), labels));
    }

    /** Whether the service account, if it exists, names the Secret in its secrets. */
    @Override
    public boolean lists(String namespace, String serviceAccount, String secretName) {
        ResourceType accounts = registry.find("", "v1", "serviceaccounts").orElseThrow();
        try {
            for (com.fasterxml.jackson.databind.JsonNode ref : storage.get(accounts, namespace, serviceAccount)
                    .path("secrets")) {
                if (secretName.equals(ref.path("name").asText())) {
                    return true;
                }
            }
            return false;
        } catch (ApiException e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String token(String base64) {
        try {
            return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
