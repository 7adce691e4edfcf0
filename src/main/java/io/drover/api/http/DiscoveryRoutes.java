package io.drover.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.discovery.DiscoveryDocuments;
import io.drover.api.discovery.OpenApiDocument;
import io.drover.api.discovery.OpenApiDocuments;
import io.drover.api.discovery.OpenApiV2Document;
import io.drover.api.resource.ResourceRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves /api, /apis, their group versions (aggregated discovery v2 when the client asks for it,
 * the legacy documents otherwise) and the OpenAPI v3 and v2 documents kubectl needs for validation.
 */
public final class DiscoveryRoutes implements DiscoveryHandler {
    private static final String JSON = "application/json";
    private static final String OPENAPI_PREFIX = "/openapi/v3/";

    private final ObjectMapper json;
    private final DiscoveryDocuments documents;
    private final OpenApiDocuments openApi;
    private final OpenApiV2Document openApiV2 = new OpenApiV2Document();
    /** The aggregated documents as served, built once: the registry does not change while the server runs. */
    private final Map<String, Tagged> aggregatedDocuments = new ConcurrentHashMap<>();
    /** host:port clients reach this server at, known once the listener is bound (port 0 picks one). */
    private final java.util.function.Supplier<String> serverAddress;

    public DiscoveryRoutes(ObjectMapper json, ResourceRegistry registry, java.util.function.Supplier<String> serverAddress) {
        this.json = json;
        this.documents = new DiscoveryDocuments(registry);
        this.openApi = new OpenApiDocuments(registry);
        this.serverAddress = serverAddress;
    }

    @Override
    public boolean handle(ApiRequest request, String path, ApiResponse response) throws IOException {
        Optional<String> aggregated = DiscoveryDocuments.aggregatedVersion(request.header("accept"));
        if (path.equals("/api")) {
            if (aggregated.isPresent()) {
                sendAggregated(request, response, aggregated.get(), true);
            } else {
                send(response, JSON, documents.coreVersions(serverAddress.get()));
            }
            return true;
        }
        if (path.equals("/apis")) {
            if (aggregated.isPresent()) {
                sendAggregated(request, response, aggregated.get(), false);
            } else {
                send(response, JSON, documents.groupList());
            }
            return true;
        }
        if (path.equals("/openapi/v2")) {
            sendOpenApiV2(request, response);
            return true;
        }
        if (path.equals("/openapi/v3")) {
            send(response, JSON, openApi.root());
            return true;
        }
        if (path.startsWith(OPENAPI_PREFIX)) {
            Optional<OpenApiDocument> doc = openApi.groupVersion(path.substring(OPENAPI_PREFIX.length()));
            if (doc.isEmpty()) {
                return false;
            }
            response.send(200, JSON, doc.get().bytes());
            return true;
        }
        String[] parts = path.substring(1).split("/");
        Optional<ObjectNode> document = Optional.empty();
        if (parts.length == 2 && parts[0].equals("api")) {
            document = documents.resourceList("", parts[1]);
        } else if (parts.length == 3 && parts[0].equals("apis")) {
            document = documents.resourceList(parts[1], parts[2]);
        } else if (parts.length == 2 && parts[0].equals("apis")) {
            document = group(parts[1]);
        }
        if (document.isEmpty()) {
            return false;
        }
        send(response, JSON, document.get());
        return true;
    }

    /**
     * An aggregated discovery document with its ETag (a hash of the document), answered 304 when the
     * client already has it, as kube-apiserver's aggregated discovery handler does.
     */
    private void sendAggregated(ApiRequest request, ApiResponse response, String version, boolean core)
            throws IOException {
        Tagged tagged = aggregatedDocuments.computeIfAbsent((core ? "core/" : "groups/") + version,
                key -> Tagged.of(json, documents.aggregated(core, version)));
        byte[] body = tagged.body();
        String etag = tagged.etag();
        response.addHeader("ETag", etag);
        response.addHeader("Vary", "Accept");
        response.addHeader("Cache-Control", "public");
        String contentType = DiscoveryDocuments.aggregatedContentType(version);
        if (etag.equals(request.header("if-none-match"))) {
            response.send(304, contentType, new byte[0]);
            return;
        }
        response.send(200, contentType, body);
    }

    /** As kube-openapi serves it: negotiated by Accept (406 for none it knows), cached by ETag. */
    private void sendOpenApiV2(ApiRequest request, ApiResponse response) throws IOException {
        response.addHeader("Vary", "Accept");
        Optional<OpenApiV2Document.Representation> representation = openApiV2.negotiate(request.header("accept"));
        if (representation.isEmpty()) {
            response.send(406, "text/plain", new byte[0]);
            return;
        }
        response.addHeader("ETag", openApiV2.etag());
        if (openApiV2.etag().equals(request.header("if-none-match"))) {
            response.send(304, representation.get().contentType(), new byte[0]);
            return;
        }
        response.send(200, representation.get().contentType(), representation.get().body());
    }

    /** The APIGroup document of /apis/<group>, taken from the group list. */
    private Optional<ObjectNode> group(String name) {
        for (JsonNode group : documents.groupList().path("groups")) {
            if (group.path("name").asText().equals(name)) {
                ObjectNode doc = ((ObjectNode) group).deepCopy();
                doc.put("kind", "APIGroup");
                doc.put("apiVersion", "v1");
                return Optional.of(doc);
            }
        }
        return Optional.empty();
    }

    /** A document's bytes and its quoted entity tag. */
    private record Tagged(byte[] body, String etag) {
        static Tagged of(ObjectMapper json, JsonNode document) {
            try {
                byte[] body = json.writeValueAsBytes(document);
                return new Tagged(body, "\"" + OpenApiDocuments.hash(body) + "\"");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize a discovery document", e);
            }
        }
    }

    private void send(ApiResponse response, String contentType, JsonNode body) throws IOException {
        response.send(200, contentType, json.writeValueAsBytes(body));
    }
}
