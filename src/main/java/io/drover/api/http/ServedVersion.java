package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.convert.EventConversion;
import io.drover.api.convert.HpaConversion;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.validation.FieldTypes;
import io.drover.api.validation.FieldValidation;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A resource served in a version other than the one it is stored in (autoscaling/v1
 * HorizontalPodAutoscalers, stored as v2; events.k8s.io/v1 Events, stored as core/v1): the request
 * is handled on the stored version, with the body and the fieldSelector converted on the way in
 * and every object in the answer (single, list items, watch events) converted on the way out.
 * Patches are applied to the stored version: a merge or strategic merge patch of an Event has its
 * field names converted; a server-side apply's configuration is converted as a body is; any other
 * patch must name the stored version's fields (kubectl patches HPAs through v2, the preferred version).
 */
final class ServedVersion {
    private static final String APPLY = "application/apply-patch+yaml";
    private final ResourceType stored;
    private final String servedApiVersion;
    private final ResourceType served;
    private final String kind;
    private final UnaryOperator<ObjectNode> toStored;
    private final UnaryOperator<ObjectNode> toServed;
    /** A server-side apply configuration to the stored version: what it names and no more. */
    private final UnaryOperator<ObjectNode> configurationToStored;
    /** A merge or strategic merge patch in the stored version's names; identity when they are the same. */
    private final UnaryOperator<ObjectNode> patchToStored;
    /** A fieldSelector in the stored version's labels. */
    private final UnaryOperator<String> selectorToStored;
    private final ObjectMapper json;

    private ServedVersion(ResourceType stored, ResourceType served, UnaryOperator<ObjectNode> toStored,
            UnaryOperator<ObjectNode> configurationToStored,
            UnaryOperator<ObjectNode> toServed, UnaryOperator<ObjectNode> patchToStored,
            UnaryOperator<String> selectorToStored, ObjectMapper json) {
        this.stored = stored;
        this.servedApiVersion = served.apiVersion();
        this.served = served;
        this.kind = served.kind();
        this.toStored = toStored;
        this.configurationToStored = configurationToStored;
        this.toServed = toServed;
        this.patchToStored = patchToStored;
        this.selectorToStored = selectorToStored;
        this.json = json;
    }

    /** The conversion a served resource needs, or empty when it is served as stored. */
    static Optional<ServedVersion> of(ResourceType served, ResourceRegistry registry, ObjectMapper json) {
        if (served.group().equals("autoscaling") && served.version().equals("v1")) {
            ResourceType v2 = registry.find("autoscaling", "v2", served.plural()).orElseThrow();
            return Optional.of(new ServedVersion(v2, served, HpaConversion::toV2, HpaConversion::configurationToV2,
                    HpaConversion::toV1,
                    UnaryOperator.identity(), UnaryOperator.identity(), json));
        }
        if (served.group().equals("events.k8s.io")) {
            ResourceType core = registry.find("", "v1", served.plural()).orElseThrow();
            // Event conversion renames fields and adds none: a configuration converts as an object does.
            return Optional.of(new ServedVersion(core, served, EventConversion::toCore, EventConversion::toCore,
                    EventConversion::toEvents,
                    EventConversion::patchToCore, EventConversion::coreFieldSelector, json));
        }
        return Optional.empty();
    }

    ResourcePath storedPath(ResourcePath path) {
        return new ResourcePath(stored, path.namespace(), path.name(), path.subresource());
    }

    /**
     * The request with its body (a served-version object) converted to the stored version. The body is decoded as
     * the served version first, as kube-apiserver decodes it: its unknown fields fail the request under Strict and
     * are told as warnings (on {@code response}) under Warn, before the conversion drops them.
     */
    ApiRequest storedRequest(ApiRequest request, ResourcePath path, Bodies bodies, ApiResponse response) {
        ApiRequest selected = withStoredFieldSelector(request);
        String type = Bodies.mediaType(request.header("content-type"));
        if (request.method().equals("PATCH")
                && (type.equals("application/merge-patch+json") || type.equals("application/strategic-merge-patch+json"))) {
            return new ApiRequest(selected.method(), selected.path(), selected.query(), selected.headers(), () -> {
                JsonNode patch = bodies.parse(request.body().read(), "application/json");
                return json.writeValueAsBytes(patch instanceof ObjectNode o ? patchToStored.apply(o) : patch);
            });
        }
        if (request.method().equals("PATCH") && type.equals(APPLY)) {
            return new ApiRequest(selected.method(), selected.path(), selected.query(), selected.headers(),
                    () -> json.writeValueAsBytes(storedApplyConfiguration(path,
                            bodies.parse(request.body().read(), APPLY))));
        }
        if (!request.method().matches("POST|PUT")) {
            return selected;
        }
        return new ApiRequest(selected.method(), selected.path(), selected.query(), selected.headers(), () -> {
            byte[] body = request.body().read();
            boolean object = type.isEmpty() || type.equals("application/json") || type.equals("application/yaml")
                    || type.equals("application/vnd.kubernetes.protobuf");
            if (body.length == 0 || !object) {
                return body;
            }
            FieldValidation validation = WriteOptions.of(request,
                    request.method().equals("POST") ? WriteOptions.Verb.CREATE : WriteOptions.Verb.UPDATE)
                    .fieldValidation();
            Bodies.Parsed parsed = bodies.parse(body, type, BodyKind.of(served), validation != FieldValidation.IGNORE);
            JsonNode node = parsed.tree();
            if (!(node instanceof ObjectNode o)) {
                return json.writeValueAsBytes(node); // refused by the stored version's handling
            }
            ResourceHandler.checkKindAndNamespace(o, path);
            // The served version's value types and fields, as its decoder checks them: the conversion would lose a
            // wrong or misspelled one (an autoscaling/v1 target of "50", or a targetCPUUtilisationPercentage, became
            // the default 80).
            FieldChecks.apply(validation, BodyKind.of(served), o, response, parsed.objectDecoding());
            return json.writeValueAsBytes(toStored.apply(o));
        }).withHeader("content-type", "application/json");
    }

    /**
     * A server-side apply's configuration, in the served version as kube-apiserver requires it, converted to the
     * stored version it is applied to (JSON is YAML, so the body keeps its media type). The manager's entry then
     * names the stored version, where kube-apiserver would keep the served one.
     */
    private ObjectNode storedApplyConfiguration(ResourcePath path, JsonNode body) {
        if (!(body instanceof ObjectNode config)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        BodyKind.requireNamedInApply(config);
        String apiVersion = config.path("apiVersion").asText("");
        if (!apiVersion.equals(servedApiVersion)) {
            throw ApiException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + apiVersion + ", expected: " + servedApiVersion);
        }
        FieldTypes.decodingError(servedApiVersion, kind, config).ifPresent(error -> {
            throw ApiException.badRequest(error);
        });
        ResourceHandler.refuseUndeclaredFields(path, config);
        return configurationToStored.apply(config);
    }

    private ApiRequest withStoredFieldSelector(ApiRequest request) {
        String selector = request.param("fieldSelector");
        if (selector == null) {
            return request;
        }
        Map<String, List<String>> query = new LinkedHashMap<>(request.query());
        query.put("fieldSelector", List.of(selectorToStored.apply(selector)));
        return new ApiRequest(request.method(), request.path(), query, request.headers(), request.body());
    }

    /** A refusal of the stored version's handling, naming the served resource. */
    ApiException servedError(ApiException e) {
        return e.asServed(served);
    }

    /** The response with every stored-version object in it converted to the served version. */
    ApiResponse servedResponse(ApiResponse response) {
        return new ApiResponse() {
            @Override
            public void addHeader(String name, String value) {
                response.addHeader(name, value);
            }

            @Override
            public void send(int status, String contentType, byte[] body) throws IOException {
                response.send(status, contentType, convert(body));
            }

            @Override
            public OutputStream stream(int status, String contentType) throws IOException {
                return new ListConverter(response.stream(status, contentType));
            }

            @Override
            public void watch(WatchStream events) throws IOException {
                response.watch(events.converted(event -> {
                    convertInPlace(event);
                    return event;
                }));
            }
        };
    }

    private byte[] convert(byte[] body) throws IOException {
        JsonNode node = json.readTree(body);
        if (node instanceof ObjectNode o) {
            convertInPlace(o);
        }
        return json.writeValueAsBytes(node);
    }

    /**
     * Converts an object, the items of a list, the object of a watch event, or the objects of a Table's rows (asTable
     * converts each row's object to the requested version: {@code kubectl get --sort-by} reads them).
     */
    private void convertInPlace(ObjectNode node) {
        if (node.has("type") && node.path("object") instanceof ObjectNode event) {
            if (event.path("kind").asText().equals("Table")) {
                convertInPlace(event);
            } else {
                node.set("object", served(event));
            }
        } else if (node.path("kind").asText().equals("Table")) {
            for (JsonNode row : node.path("rows")) {
                if (row.path("object") instanceof ObjectNode object) {
                    ((ObjectNode) row).set("object", served(object));
                }
            }
        } else if (node.path("kind").asText().equals(kind + "List")) {
            node.put("apiVersion", servedApiVersion);
            ArrayNode items = (ArrayNode) node.path("items");
            for (int i = 0; i < items.size(); i++) {
                items.set(i, served((ObjectNode) items.get(i)));
            }
        } else if (node.path("kind").asText().equals(kind)) {
            ObjectNode converted = served(node.deepCopy());
            node.removeAll();
            node.setAll(converted);
        }
    }

    private ObjectNode served(ObjectNode object) {
        return object.path("kind").asText().equals(kind) ? toServed.apply(object) : object;
    }

    /**
     * Converts a streamed list ({@link ListWriter}) whole when it ends. Watches do not come this way:
     * they are converted event by event ({@link WatchStream#converted}).
     */
    private final class ListConverter extends FilterOutputStream {
        private final ByteArrayOutputStream list = new ByteArrayOutputStream();

        ListConverter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) {
            list.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            list.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (list.size() > 0) {
                out.write(convert(list.toByteArray()));
                list.reset();
            }
            super.close();
        }
    }
}
