package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.DURATION;
import static io.drover.api.validation.ApimachineryTypes.FIELDS_V1;
import static io.drover.api.validation.ApimachineryTypes.INT_OR_STRING;
import static io.drover.api.validation.ApimachineryTypes.MICRO_TIME;
import static io.drover.api.validation.ApimachineryTypes.QUANTITY;
import static io.drover.api.validation.ApimachineryTypes.RAW_EXTENSION;
import static io.drover.api.validation.ApimachineryTypes.TIME;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.drover.api.protobuf.GoSlices;

/**
 * Replaces every JSON null inside a list or a map with the Go zero value of the element type, as Kubernetes' typed
 * decoding leaves it: {@code "tolerations": [null]} is a {@code Toleration{}}, a null in a {@code []string} or a
 * {@code map[string]string} (labels, annotations, ConfigMap data, Secret stringData) is {@code ""}, a null quantity is
 * {@code "0"}. The kind's rules then see what Kubernetes' see, and refuse what Kubernetes refuses: the toleration
 * above is a 422 for its empty operator.
 *
 * <p>Before, the strategies skipped such elements (they read objects and strings only) and the null was stored; the
 * server's own components then failed on it: one pod with {@code tolerations: [null]} stopped the scheduler for every
 * pod. The types come from the kind's protobuf descriptor, as for {@link FieldTypes}; run after it, so every value
 * has its type. A null struct field is left alone: Go leaves such a field unset, which the strategies read as absent.
 */
public final class ZeroValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ZeroValues() {}

    /** Fills in {@code object}'s nulls in lists and maps in place; a kind without a descriptor is left alone. */
    public static void fill(String apiVersion, String kind, JsonNode object) {
        DescriptorWalk.walk(apiVersion, kind, object, new DescriptorWalk.Visitor() {
            @Override
            public JsonNode element(FieldDescriptor field, JsonNode value) {
                return value.isNull() ? zero(field) : value;
            }
        });
    }

    /** The zero value of a list's element or a map's value, as Go writes it to JSON. */
    private static JsonNode zero(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            // A nil []byte is stored as protobuf's empty bytes and read back as "".
            case STRING, BYTE_STRING -> NODES.textNode("");
            case BOOLEAN -> NODES.booleanNode(false);
            case INT, LONG -> NODES.numberNode(0);
            case FLOAT, DOUBLE -> NODES.numberNode(0.0);
            case MESSAGE -> zero(field.getMessageType());
            default -> NODES.nullNode();
        };
    }

    /** The zero value of a message type as Go writes it to JSON. */
    private static JsonNode zero(Descriptor type) {
        return switch (type.getFullName()) {
            case QUANTITY -> NODES.textNode("0"); // Quantity.UnmarshalJSON takes null as zero, written "0"
            case INT_OR_STRING -> NODES.numberNode(0);
            // A zero Time is written as null; the others have no zero that Go would write.
            case TIME, MICRO_TIME, DURATION, FIELDS_V1, RAW_EXTENSION -> NODES.nullNode();
            // A nil named slice (an ExtraValue in a map) is written as null too.
            default -> GoSlices.isSlice(type) ? NODES.nullNode() : NODES.objectNode();
        };
    }
}
