package io.drover.api.http;

import io.drover.api.table.Selectors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.json.GoJsonErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The autoscaling/v1 Scale view of a workload (the scale subresource) and writes through it. */
final class Scale {
    private static final String API_VERSION = "autoscaling/v1";
    private static final String KIND = "Scale";

    private Scale() {}

    static ObjectNode of(ObjectNode workload, ObjectMapper json) {
        ObjectNode scale = json.createObjectNode();
        scale.put("kind", KIND);
        scale.put("apiVersion", API_VERSION);
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode source = workload.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (source.has(field)) {
                metadata.set(field, source.get(field));
            }
        }
        scale.putObject("spec").put("replicas", workload.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", workload.path("status").path("replicas").asInt(0));
        // LabelSelectorAsSelector(...).String(): requirements sorted by key, In/NotIn values sorted.
        status.put("selector", Selectors.selectorString(workload.path("spec").path("selector")));
        return scale;
    }

    /**
     * Sets the workload's replicas from a Scale; its resourceVersion and uid, if any, are preconditions.
     *
     * @throws ApiException 400 for a Scale of another name than the workload's, as an update's name check
     */
    static ObjectNode applyTo(ObjectNode workload, JsonNode scale) {
        String name = workload.path("metadata").path("name").asText();
        String scaleName = scale.path("metadata").path("name").asText("");
        if (!scaleName.isEmpty() && !scaleName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + scaleName + ") does not match the name on the URL ("
                    + name + ")");
        }
        workload.withObject("spec").put("replicas", replicas(scale.path("spec").path("replicas"), name));
        // Its uid too is a precondition, as a PUT body's is (the store checks it).
        String uid = scale.path("metadata").path("uid").asText("");
        if (!uid.isEmpty()) {
            workload.withObject("metadata").put("uid", uid);
        }
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            workload.withObject("metadata").put("resourceVersion", rv);
        } else {
            // No precondition: an unconditional update, retried on a conflict as GuaranteedUpdate retries it
            // (the stored object's version left here made every concurrent status write a 409).
            workload.withObject("metadata").remove("resourceVersion");
        }
        return workload;
    }

    /**
     * A server-side apply of an autoscaling/v1 Scale, as the configuration of the workload it scales (its
     * spec.replicas and identity), which kube-apiserver's scale handler maps it to: the manager then owns the
     * workload's spec.replicas through the scale subresource.
     *
     * @throws ApiException 400 for another version or kind, or replicas that are not a count
     */
    static ObjectNode applyConfiguration(ObjectNode scale, ResourceType workload) {
        String apiVersion = scale.path("apiVersion").asText("");
        if (!apiVersion.equals(API_VERSION)) {
            throw ApiException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + apiVersion + ", expected: " + API_VERSION);
        }
        String kind = scale.path("kind").asText("");
        if (!kind.equals(KIND)) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + KIND + ")");
        }
        ObjectNode config = scale.objectNode();
        config.put("apiVersion", workload.apiVersion());
        config.put("kind", workload.kind());
        ObjectNode metadata = config.putObject("metadata");
        for (String field : List.of("name", "namespace")) {
            if (scale.path("metadata").path(field).isTextual()) {
                metadata.set(field, scale.path("metadata").get(field));
            }
        }
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isMissingNode() && !replicas.isNull()) {
            config.putObject("spec").put("replicas", replicas(replicas, scale.path("metadata").path("name").asText("")));
        }
        return config;
    }

    /**
     * A Scale's spec.replicas: an int32 in Go, so absent or null is 0; a value of another type is the decoder's 400,
     * a negative one ValidateScale's 422.
     */
    private static int replicas(JsonNode replicas, String name) {
        if (replicas.isMissingNode() || replicas.isNull()) {
            return 0;
        }
        if (!replicas.isIntegralNumber() || replicas.asLong() > Integer.MAX_VALUE || replicas.asLong() < Integer.MIN_VALUE) {
            throw ApiException.badRequest("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal "
                    + (replicas.isNumber() ? "number " + replicas.asText() : GoJsonErrors.kindOf(replicas))
                    + " into Go struct field ScaleSpec.spec.replicas of type int32");
        }
        if (replicas.asLong() < 0) {
            throw ApiException.invalid("Scale.autoscaling", name, List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: " + replicas.asLong() + ": must be greater than or equal to 0", "spec.replicas")));
        }
        return replicas.asInt();
    }
}
