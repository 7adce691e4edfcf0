package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.validation.CanonicalValues;
import io.drover.api.validation.FieldTypes;
import io.drover.api.validation.FieldValidation;
import io.drover.api.validation.StrictDecoding;
import io.drover.api.validation.UnknownFields;
import io.drover.api.validation.ZeroValues;
import java.util.List;

/**
 * What Kubernetes' typed decoding checks on writes: a value of the wrong type is a 400 whatever
 * the mode ({@link FieldTypes}), a null in a list or a map is its element's zero value ({@link ZeroValues}), and
 * quantities and times are stored in their canonical form ({@link CanonicalValues}); and the {@code fieldValidation}
 * query parameter: unknown fields (and fields given twice) fail the request under Strict, and under Warn (the
 * default) or Ignore unknown fields are dropped, as Kubernetes' typed decoding drops them, with one Warning header
 * per problem under Warn.
 */
final class FieldChecks {
    private FieldChecks() {}

    static void apply(FieldValidation mode, ResourceType type, ObjectNode object, ApiResponse response) {
        apply(mode, type, object, response, StrictDecoding.none());
    }

    /** As above, with what strict decoding found while the body was read (fields given twice). */
    static void apply(FieldValidation mode, ResourceType type, ObjectNode object, ApiResponse response,
            StrictDecoding decoding) {
        apply(mode, BodyKind.of(type), object, response, decoding);
    }

    /**
     * As above, for an object of {@code kind}, which may be a subresource's (an autoscaling/v1 Scale, a policy/v1
     * Eviction, a TokenRequest): kube-apiserver decodes those with the same strict decoder as any other kind.
     */
    static void apply(FieldValidation mode, BodyKind kind, ObjectNode object, ApiResponse response,
            StrictDecoding decoding) {
        String apiVersion = kind.apiVersion();
        FieldTypes.decodingError(apiVersion, kind.kind(), object).ifPresent(error -> {
            throw ApiException.badRequest(error);
        });
        ZeroValues.fill(apiVersion, kind.kind(), object);
        CanonicalValues.canonicalize(apiVersion, kind.kind(), object);
        List<String> unknown = UnknownFields.find(apiVersion, kind.kind(), object);
        List<StrictDecoding.Problem> problems = mode == FieldValidation.IGNORE ? List.of() : decoding.problems(unknown);
        if (mode == FieldValidation.STRICT && !problems.isEmpty()) {
            throw ApiException.badRequest(decoding.errorMessage(apiVersion, kind.kind(), problems));
        }
        for (StrictDecoding.Problem problem : problems) {
            problem.warnings().forEach(text -> response.addHeader("Warning", FieldValidation.warningHeader(text)));
        }
        for (String path : unknown) {
            remove(object, path);
        }
    }

    /** Removes the field at a path such as {@code spec.template.spec.containers[0].imagee}. */
    static void remove(JsonNode root, String path) {
        String[] parts = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < parts.length && node != null; i++) {
            String part = parts[i];
            int bracket = part.indexOf('[');
            String field = bracket < 0 ? part : part.substring(0, bracket);
            boolean last = i == parts.length - 1;
            if (last && bracket < 0) {
                if (node instanceof ObjectNode o) {
                    o.remove(field);
                }
                return;
            }
            node = node.get(field);
            if (bracket >= 0 && node instanceof ArrayNode array) {
                int index = Integer.parseInt(part.substring(bracket + 1, part.indexOf(']')));
                node = array.get(index);
            }
        }
    }
}
