package io.drover.api.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.json.Mappers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OpenAPI v3 documents of the API server, built from the resource registry: the root at
 * /openapi/v3 and one document per group version.
 *
 * <p>The per-group-version documents carry Kubernetes' own schemas of the kinds they serve
 * ({@link KubernetesSchemas}), which {@code kubectl explain} prints and kubectl builds strategic
 * merge patches from, and paths with operations (no request or response schemas). What kubectl
 * 1.32 reads from the paths is the PATCH operation of each kind, found by its
 * {@code x-kubernetes-group-version-kind} extension: if it lists the {@code fieldValidation} query
 * parameter, kubectl leaves validation to the server ({@code fieldValidation=Strict}) instead of
 * validating against schemas, and the strategic-merge-patch content type makes it build strategic
 * merge patches from the kind's schema. kubectl uses the first PATCH operation carrying the kind,
 * so every PATCH operation here lists the same parameters.
 *
 * <p>The documents are built once, at the first request; each is served with the hash of its exact bytes, which the root
 * links to, so clients may cache them as immutable.
 */
public final class OpenApiDocuments {

    /** The info.version of every document. */
    static final String KUBERNETES_VERSION = "v1.32.0";

    static final List<String> PATCH_CONTENT_TYPES = List.of(
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = Mappers.json();

    private final ResourceRegistry registry;
    /** Built at the first request: the schemas are most of a megabyte that a server start need not parse. */
    private volatile Built built;

    private record Built(Map<String, OpenApiDocument> byPath, List<String> order) {}

    public OpenApiDocuments(ResourceRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    private Built built() {
        Built documents = built;
        if (documents == null) {
            synchronized (this) {
                documents = built;
                if (documents == null) {
                    documents = build(registry);
                    built = documents;
                }
            }
        }
        return documents;
    }

    private static Built build(ResourceRegistry registry) {
        KubernetesSchemas schemas = KubernetesSchemas.load();
        Map<String, OpenApiDocument> docs = new LinkedHashMap<>();
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                String path = group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
                List<ResourceType> types = registry.resources(group, version);
                ObjectNode doc = groupVersionDocument(path, types);
                Set<String> kinds = types.stream().map(ResourceType::kind).collect(Collectors.toSet());
                doc.putObject("components").set("schemas", schemas.forGroupVersion(group, version, kinds));
                String json = serialize(doc);
                docs.put(path, new OpenApiDocument(path, json, hash(json)));
            }
        }
        return new Built(Map.copyOf(docs), List.copyOf(docs.keySet()));
    }

    /** The root document for GET /openapi/v3: every group version with its hashed URL. */
    public ObjectNode root() {
        ObjectNode doc = JSON.objectNode();
        ObjectNode paths = doc.putObject("paths");
        Built documents = built();
        for (String path : documents.order()) {
            paths.putObject(path).put("serverRelativeURL", documents.byPath().get(path).serverRelativeUrl());
        }
        return doc;
    }

    /**
     * The document for GET /openapi/v3/&lt;path&gt;, where path is "api/v1" or
     * "apis/&lt;group&gt;/&lt;version&gt;" (a leading "/" is ignored); empty for any other path.
     */
    public Optional<OpenApiDocument> groupVersion(String path) {
        Objects.requireNonNull(path, "path");
        String key = path.startsWith("/") ? path.substring(1) : path;
        return Optional.ofNullable(built().byPath().get(key));
    }

    private static ObjectNode groupVersionDocument(String path, List<ResourceType> types) {
        ObjectNode doc = JSON.objectNode();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", KUBERNETES_VERSION);
        ObjectNode paths = doc.putObject("paths");
        for (ResourceType type : types) {
            String collection = "/" + path + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural();
            if (!type.stored()) {
                // A self-review is only ever created, and answered at once.
                paths.set(collection, createPath(type));
                continue;
            }
            paths.set(collection, collectionPath(type));
            paths.set(collection + "/{name}", itemPath(type));
        }
        return doc;
    }

    private static ObjectNode collectionPath(ResourceType type) {
        ObjectNode item = createPath(type);
        ObjectNode list = operation(type, "list", "list");
        list.putObject("responses").putObject("200").put("description", "OK");
        item.set("get", list);
        return item;
    }

    private static ObjectNode createPath(ResourceType type) {
        ObjectNode item = JSON.objectNode();
        ObjectNode post = operation(type, "create", "post");
        ArrayNode params = post.putArray("parameters");
        writeParameters(params);
        post.set("requestBody", requestBody(List.of("application/json", "application/yaml")));
        ObjectNode responses = post.putObject("responses");
        responses.putObject("200").put("description", "OK");
        responses.putObject("201").put("description", "Created");
        responses.putObject("202").put("description", "Accepted");
        item.set("post", post);

        ArrayNode pathParams = item.putArray("parameters");
        if (type.namespaced()) {
            pathParams.add(pathParameter("namespace"));
        }
        return item;
    }

    private static ObjectNode itemPath(ResourceType type) {
        ObjectNode item = JSON.objectNode();
        ObjectNode get = operation(type, "read", "get");
        get.putObject("responses").putObject("200").put("description", "OK");
        item.set("get", get);

        ObjectNode put = operation(type, "replace", "put");
        writeParameters(put.putArray("parameters"));
        put.set("requestBody", requestBody(List.of("application/json", "application/yaml")));
        ObjectNode putResponses = put.putObject("responses");
        putResponses.putObject("200").put("description", "OK");
        putResponses.putObject("201").put("description", "Created");
        item.set("put", put);

        ObjectNode delete = operation(type, "delete", "delete");
        ArrayNode deleteParams = delete.putArray("parameters");
        deleteParams.add(queryParameter("dryRun", "string"));
        deleteParams.add(queryParameter("gracePeriodSeconds", "integer"));
        deleteParams.add(queryParameter("propagationPolicy", "string"));
        ObjectNode deleteResponses = delete.putObject("responses");
        deleteResponses.putObject("200").put("description", "OK");
        deleteResponses.putObject("202").put("description", "Accepted");
        item.set("delete", delete);

        ObjectNode patch = operation(type, "patch", "patch");
        ArrayNode patchParams = patch.putArray("parameters");
        writeParameters(patchParams);
        patchParams.add(queryParameter("force", "boolean"));
        patch.set("requestBody", requestBody(PATCH_CONTENT_TYPES));
        ObjectNode patchResponses = patch.putObject("responses");
        patchResponses.putObject("200").put("description", "OK");
        patchResponses.putObject("201").put("description", "Created");
        item.set("patch", patch);

        ArrayNode pathParams = item.putArray("parameters");
        pathParams.add(pathParameter("name"));
        if (type.namespaced()) {
            pathParams.add(pathParameter("namespace"));
        }
        return item;
    }

    /** An operation of one kind, e.g. operationId "patchAppsV1NamespacedDeployment". */
    private static ObjectNode operation(ResourceType type, String verb, String action) {
        ObjectNode op = JSON.objectNode();
        String scope = type.namespaced() ? "Namespaced" : "";
        op.put("operationId", verb + operationGroup(type.group()) + capitalize(type.version()) + scope + type.kind());
        op.put("x-kubernetes-action", action);
        op.set("x-kubernetes-group-version-kind", DiscoveryDocuments.gvk(type.group(), type.version(), type.kind()));
        return op;
    }

    /** The query parameters of a write: what kubectl checks for before it sends them. */
    private static void writeParameters(ArrayNode params) {
        params.add(queryParameter("dryRun", "string"));
        params.add(queryParameter("fieldManager", "string"));
        params.add(queryParameter("fieldValidation", "string"));
    }

    private static ObjectNode queryParameter(String name, String type) {
        ObjectNode p = JSON.objectNode();
        p.put("name", name);
        p.put("in", "query");
        p.putObject("schema").put("type", type);
        return p;
    }

    private static ObjectNode pathParameter(String name) {
        ObjectNode p = JSON.objectNode();
        p.put("name", name);
        p.put("in", "path");
        p.put("required", true);
        p.putObject("schema").put("type", "string");
        return p;
    }

    private static ObjectNode requestBody(List<String> contentTypes) {
        ObjectNode body = JSON.objectNode();
        ObjectNode content = body.putObject("content");
        for (String contentType : contentTypes) {
            content.putObject(contentType).putObject("schema").put("type", "object");
        }
        body.put("required", true);
        return body;
    }

    /** The group part of an operationId: "Core", "Apps", "Coordination" for coordination.k8s.io. */
    private static String operationGroup(String group) {
        if (group.isEmpty()) {
            return "Core";
        }
        String trimmed = group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
        return Arrays.stream(trimmed.split("\\.")).map(OpenApiDocuments::capitalize).collect(Collectors.joining());
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String serialize(ObjectNode doc) {
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an OpenAPI document", e);
        }
    }

    /** Uppercase hex SHA-512, the hash kube-apiserver puts in its OpenAPI v3 URLs. */
    static String hash(String json) {
        return hash(json.getBytes(UTF_8));
    }

    /** Uppercase hex SHA-512 of {@code bytes}, as kube-apiserver tags its OpenAPI and discovery documents. */
    public static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from the JDK", e);
        }
    }
}
