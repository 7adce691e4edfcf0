package io.drover.api.storage;

import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.security.ClusterAuthenticator;
import java.util.Optional;

/** The uids of core/v1 objects as stored: what a service account token's claims are checked against. */
public final class StoredUids implements ClusterAuthenticator.Uids {
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
            return Optional.of(storage.get(type, type.namespaced() ? namespace : null, name)
                    .path("metadata").path("uid").asText());
        } catch (ApiException e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
