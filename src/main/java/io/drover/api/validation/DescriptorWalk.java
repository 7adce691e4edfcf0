package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.DURATION;
import static io.drover.api.validation.ApimachineryTypes.FIELDS_V1;
import static io.drover.api.validation.ApimachineryTypes.INT_OR_STRING;
import static io.drover.api.validation.ApimachineryTypes.MICRO_TIME;
import static io.drover.api.validation.ApimachineryTypes.QUANTITY;
import static io.drover.api.validation.ApimachineryTypes.RAW_EXTENSION;
import static io.drover.api.validation.ApimachineryTypes.TIME;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.drover.api.protobuf.GoSlices;
import io.drover.api.protobuf.ProtobufBodies;
import java.util.Iterator;
import java.util.Map;

/**
 * A walk over an object along its kind's protobuf descriptor, which gives every field its Go type: the one loop
 * that {@link ZeroValues}, {@link CanonicalValues} and {@link OmittedEmpties} rewrite values in, each with a
 * {@link Visitor} of its own. A named Go slice ({@link GoSlices}) is walked as the array it is in JSON. Members the
 * descriptor does not know are left alone ({@link UnknownFields} reports them).
 */
final class DescriptorWalk {
    /** What one rewrite does with the values it is shown; the walk then goes into what it returns. */
    interface Visitor {
        /** Whether to walk into an object of this message type; types with a JSON form of their own are never entered. */
        default boolean enters(Descriptor type) {
            return true;
        }

        /** The value to keep for a member of an object of type {@code owner}, or null to remove the member. */
        default JsonNode member(Descriptor owner, FieldDescriptor field, JsonNode value) {
            return value;
        }

        /** The value to keep for an element of a list or a value of a map held by {@code field}. */
        default JsonNode element(FieldDescriptor field, JsonNode value) {
            return value;
        }
    }

    private DescriptorWalk() {}

    /** Walks {@code object}, of the kind named, in place; a kind without a descriptor is left alone. */
    static void walk(String apiVersion, String kind, JsonNode object, Visitor visitor) {
        if (apiVersion == null || kind == null || !(object instanceof ObjectNode)) {
            return;
        }
        ProtobufBodies.messageType(apiVersion, kind).ifPresent(type -> message(type, object, visitor));
    }

    /** Whether a message's JSON is an object of its proto fields, as opposed to a type with a JSON form of its own. */
    static boolean isStruct(Descriptor type) {
        return switch (type.getFullName()) {
            case QUANTITY, INT_OR_STRING, TIME, MICRO_TIME, DURATION, FIELDS_V1, RAW_EXTENSION -> false;
            default -> !GoSlices.isSlice(type);
        };
    }

    private static void message(Descriptor type, JsonNode value, Visitor visitor) {
        if (value instanceof ArrayNode array && GoSlices.isSlice(type) && visitor.enters(type)) {
            elements(GoSlices.items(type), array, visitor);
            return;
        }
        if (!(value instanceof ObjectNode object) || !isStruct(type) || !visitor.enters(type)) {
            return;
        }
        Map<String, FieldDescriptor> fields = UnknownFields.fieldsOf(type);
        for (Iterator<Map.Entry<String, JsonNode>> members = object.properties().iterator(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            FieldDescriptor field = fields.get(member.getKey());
            if (field == null) {
                continue;
            }
            JsonNode kept = visitor.member(type, field, member.getValue());
            if (kept == null) {
                members.remove();
                continue;
            }
            member.setValue(kept);
            if (field.isMapField()) {
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                if (kept instanceof ObjectNode map) {
                    map.properties().forEach(entry -> entry.setValue(elementWalked(valueField, entry.getValue(), visitor)));
                }
            } else if (field.isRepeated()) {
                if (kept instanceof ArrayNode array) {
                    elements(field, array, visitor);
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                message(field.getMessageType(), kept, visitor);
            }
        }
    }

    private static void elements(FieldDescriptor field, ArrayNode array, Visitor visitor) {
        for (int i = 0; i < array.size(); i++) {
            array.set(i, elementWalked(field, array.get(i), visitor));
        }
    }

    private static JsonNode elementWalked(FieldDescriptor field, JsonNode value, Visitor visitor) {
        JsonNode kept = visitor.element(field, value);
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            message(field.getMessageType(), kept, visitor);
        }
        return kept;
    }
}
