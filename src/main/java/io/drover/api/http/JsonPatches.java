package io.drover.api.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.validation.FieldValidation;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A JSON patch (RFC 6902, {@code application/json-patch+json}) applied to an object with fabric8's
 * zjsonpatch, refusing what evanphx/json-patch v4 (Kubernetes 1.32's) refuses. A patch that cannot
 * be applied is kube-apiserver's 422 Invalid "the server rejected our request due to an error in
 * our request" (patch.go wraps any error of the library's Apply that way and drops its text);
 * drover adds zjsonpatch's own description of the problem.
 *
 * <p>zjsonpatch throws plain Java exceptions for some array indices ({@code -} outside an add,
 * {@code -1}, {@code 01}, {@code 1e0}, an index beyond int): those were 500s. Their messages
 * describe Java, so they get the bare Kubernetes message. It also lets two removes pass silently
 * that evanphx refuses: of a key the object does not have (refused with
 * {@code FORBID_REMOVE_MISSING_OBJECT}) and of {@code -} in an array (checked here).
 *
 * <p>evanphx reads an array index with Go's Atoi and counts a negative one from the end (its
 * SupportNegativeIndices, on in Kubernetes), so Kubernetes applies {@code /spec/containers/-1} (the
 * last), {@code /01} and {@code /+1}; zjsonpatch takes only canonical indices. Such an index is
 * rewritten to the canonical one against the document as the operations before it left it (see
 * {@link ArrayIndices}).
 */
final class JsonPatches {
    private static final String REJECTED = "the server rejected our request due to an error in our request";
    /** kube-apiserver's maxJSONPatchOperations. */
    private static final int MAX_OPERATIONS = 10_000;
    /**
     * evanphx/json-patch v4 (what kube-apiserver applies) is RFC 6902 except where it is lenient: a
     * replace of a key an object lacks sets it (ALLOW_MISSING_TARGET_OBJECT_ON_REPLACE); the remove
     * of one fails, as RFC 6902 says. Its other leniencies are rewritten per operation ({@link #lenient}).
     */
    private static final EnumSet<CompatibilityFlags> FLAGS = EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT,
            CompatibilityFlags.ALLOW_MISSING_TARGET_OBJECT_ON_REPLACE);
    private static final String PAST_THE_END = "/-";

    private static final Set<String> OPERATION_MEMBERS = Set.of("op", "path", "from", "value");

    private JsonPatches() {}

    /**
     * The patch's operations as kube-apiserver's applyJSPatch decodes them: a JSON null is none (Go unmarshals it
     * into a nil slice); anything else but an array is Go's unmarshal error, of the operations type it checks
     * against under Strict and Warn, of jsonpatch.Patch under Ignore.
     *
     * @throws ApiException 400 for a patch that is neither an array nor null
     */
    static JsonNode operations(JsonNode patch, FieldValidation mode) {
        if (patch.isNull()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!patch.isArray()) {
            String value = patch.isObject() ? "object" : patch.isTextual() ? "string" : patch.isBoolean() ? "bool"
                    : "number";
            throw ApiException.badRequest(mode == FieldValidation.IGNORE
                    ? "json: cannot unmarshal " + value + " into Go value of type jsonpatch.Patch"
                    : "error decoding patch: json: cannot unmarshal " + value
                            + " into Go value of type []handlers.jsonPatchOp");
        }
        return patch;
    }

    /**
     * The object {@code current} with {@code patch} (its {@link #operations}) applied.
     *
     * @throws ApiException 413 for a patch of more than 10,000 operations, 422 for one that cannot be applied
     */
    static JsonNode apply(JsonNode patch, JsonNode current) {
        if (patch.size() > MAX_OPERATIONS) {
            throw ApiException.tooLarge("Request entity too large: The allowed maximum operations in a JSON patch is "
                    + MAX_OPERATIONS + ", got " + patch.size());
        }
        try {
            // Whether "-" names an array's end or an object's key depends on the document as the
            // operations before it left it: the operations pending before such a remove are applied
            // first when one of them touches its parent's path (each application copies the document).
            JsonNode document = current;
            ArrayNode part = JsonNodeFactory.instance.arrayNode();
            for (JsonNode operation : patch) {
                if (ArrayIndices.mayNeedRewriting(operation) || mayBeLenient(operation)) {
                    // Where such an index points, and whether a key is there, depends on the document as the
                    // earlier operations leave it.
                    document = JsonPatch.apply(part, document, FLAGS);
                    part.removeAll();
                    operation = lenient(ArrayIndices.canonical(operation, document, FLAGS), document);
                    if (operation == null) {
                        continue;
                    }
                }
                String path = operation.path("path").asText("");
                if (operation.path("op").asText("").equals("remove") && path.endsWith(PAST_THE_END)) {
                    String parent = path.substring(0, path.length() - PAST_THE_END.length());
                    if (touches(part, parent)) {
                        document = JsonPatch.apply(part, document, FLAGS);
                        part.removeAll();
                    }
                    if (at(document, parent).isArray()) {
                        throw rejected(REJECTED + ": cannot remove \"-\" (past the last element) of the "
                                + "array at \"" + parent + "\"");
                    }
                }
                part.add(operation);
            }
            return JsonPatch.apply(part, document, FLAGS);
        } catch (JsonPatchException e) {
            throw rejected(REJECTED + ": " + e.getMessage());
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw rejected(REJECTED);
        }
    }

    /**
     * The members of the operations that jsonPatchOp does not have (it has op, path, from and
     * value), as {@code [0].foo}, in document order: kube-apiserver's strict decoding of a JSON
     * patch reports them.
     */
    static List<String> unknownMembers(JsonNode patch) {
        List<String> unknown = new ArrayList<>();
        for (int i = 0; patch.isArray() && i < patch.size(); i++) {
            JsonNode operation = patch.get(i);
            if (!operation.isObject()) {
                continue;
            }
            for (String member : (Iterable<String>) operation::fieldNames) {
                if (!OPERATION_MEMBERS.contains(member)) {
                    unknown.add("[" + i + "]." + member);
                }
            }
        }
        return unknown;
    }

    private static boolean mayBeLenient(JsonNode operation) {
        String op = operation.path("op").asText("");
        return (op.equals("test") && operation.has("value") && operation.get("value").isNull()) || op.equals("copy");
    }

    /**
     * An operation as evanphx/json-patch v4 treats it on {@code document}, where it is more lenient
     * than RFC 6902: a test that a key an object lacks is null passes (null when nothing to do),
     * and a copy from a key an object lacks copies a null. Other operations are returned as they are.
     */
    private static JsonNode lenient(JsonNode operation, JsonNode document) {
        String op = operation.path("op").asText("");
        if (op.equals("test") && missingObjectKey(document, operation.path("path").asText(null))) {
            return null;
        }
        if (op.equals("copy") && missingObjectKey(document, operation.path("from").asText(null))) {
            ObjectNode add = JsonNodeFactory.instance.objectNode();
            add.put("op", "add");
            add.set("path", operation.path("path"));
            add.putNull("value");
            return add;
        }
        return operation;
    }

    /** Whether {@code pointer} names a key that the object holding it does not have. */
    private static boolean missingObjectKey(JsonNode document, String pointer) {
        return pointer != null && !pointer.isEmpty() && at(document, pointer).isMissingNode()
                && at(document, container(pointer)).isObject();
    }

    /**
     * Whether an operation in {@code operations} may change what {@code pointer} names: it writes inside it, or into
     * the object or array holding one of its parents (an add or remove in an array moves the later elements).
     */
    private static boolean touches(ArrayNode operations, String pointer) {
        for (JsonNode operation : operations) {
            for (String field : new String[] {"path", "from"}) {
                String written = operation.path(field).asText(null);
                if (written != null && (related(written, pointer) || related(pointer, container(written)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The pointer without its last token: the object or array it is in. */
    private static String container(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    /** Whether {@code inner} is {@code outer} or lies below it ("" is the whole document). */
    private static boolean related(String inner, String outer) {
        return outer.isEmpty() || inner.equals(outer) || inner.startsWith(outer + "/");
    }

    /** The node at a JSON pointer; missing when there is none or the pointer is malformed (zjsonpatch refuses it then). */
    private static JsonNode at(JsonNode document, String pointer) {
        try {
            return document.at(JsonPointer.compile(pointer));
        } catch (IllegalArgumentException e) {
            return JsonNodeFactory.instance.missingNode();
        }
    }

    /**
     * patch.go's NewGenericServerResponse(422, "", GroupResource{}, "", ...): details name no object, so kubectl says
     * "The request is invalid: ..." with the message, which here goes on with what was wrong.
     */
    private static ApiException rejected(String message) {
        return new ApiException(422, "Invalid", message);
    }
}
