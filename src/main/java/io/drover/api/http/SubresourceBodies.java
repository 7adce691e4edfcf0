package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;
import java.util.List;

/**
 * What kube-apiserver's create handler checks of a create-only subresource's body (an Eviction, a Binding, a
 * TokenRequest) before its REST sees it: the kind and API version it decodes as (AcceptsGroupVersion), and a
 * namespace, if any, that is the URL's (EnsureObjectNamespaceMatchesRequestNamespace).
 */
final class SubresourceBodies {
    private SubresourceBodies() {}

    /**
     * @param apiVersions the API versions the subresource accepts, the one it is served at first
     * @throws ApiException 400 for another kind or API version, or another namespace
     */
    static void checkKindAndNamespace(JsonNode body, String namespace, String kind, List<String> apiVersions) {
        String apiVersion = body.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersions.contains(apiVersion)) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + apiVersions.get(0) + ")");
        }
        String bodyKind = body.path("kind").asText("");
        if (!bodyKind.isEmpty() && !bodyKind.equals(kind)) {
            throw ApiException.badRequest("the kind in the data (" + bodyKind + ") does not match the expected kind ("
                    + kind + ")");
        }
        String bodyNamespace = body.path("metadata").path("namespace").asText("");
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                    + "on the request");
        }
    }
}
