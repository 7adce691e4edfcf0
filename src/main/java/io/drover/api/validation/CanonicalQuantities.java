package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.QUANTITY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.drover.api.protobuf.ProtobufBodies;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes every resource quantity of an object in Kubernetes' canonical form ({@link Quantities}), as
 * kube-apiserver's typed decoding and encoding leave it: {@code cpu: 0.5} is stored as {@code "500m"},
 * {@code memory: 1024Mi} as {@code "1Gi"}, a quantity given as a JSON number as a string. The
 * quantities are found along the kind's protobuf descriptor, as {@link FieldTypes} finds types; run
 * after it, so every quantity parses.
 */
public final class CanonicalQuantities {
    /** Whether a message type holds a quantity anywhere below it: most kinds hold none, and are not walked. */
    private static final Map<Descriptor, Boolean> HOLDS_QUANTITIES = new ConcurrentHashMap<>();

    private CanonicalQuantities() {}

    /** Rewrites {@code object}'s quantities in place; kinds drover has no descriptor for are left as they are. */
    public static void canonicalize(String apiVersion, String kind, JsonNode object) {
        if (apiVersion == null || kind == null || !(object instanceof ObjectNode)) {
            return;
        }
        ProtobufBodies.messageType(apiVersion, kind).ifPresent(type -> message(type, object));
    }

    private static void message(Descriptor type, JsonNode value) {
        if (!(value instanceof ObjectNode object) || !holdsQuantities(type)) {
            return;
        }
        Map<String, FieldDescriptor> fields = UnknownFields.fieldsOf(type);
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            FieldDescriptor field = fields.get(member.getKey());
            if (field == null || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.isMapField()) {
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        && member.getValue() instanceof ObjectNode map) {
                    map.properties().forEach(entry -> entry.setValue(single(valueField.getMessageType(),
                            entry.getValue())));
                }
            } else if (field.isRepeated()) {
                if (member.getValue() instanceof ArrayNode array) {
                    for (int i = 0; i < array.size(); i++) {
                        array.set(i, single(field.getMessageType(), array.get(i)));
                    }
                }
            } else {
                member.setValue(single(field.getMessageType(), member.getValue()));
            }
        }
    }

    /** One value of a message-typed field: a quantity rewritten, any other message walked. */
    private static JsonNode single(Descriptor type, JsonNode value) {
        if (!type.getFullName().equals(QUANTITY)) {
            message(type, value);
            return value;
        }
        if (!value.isTextual() && !value.isNumber()) {
            return value;
        }
        try {
            return TextNode.valueOf(Quantities.canonical(value.asText().strip()));
        } catch (IllegalArgumentException e) {
            return value; // FieldTypes refuses it before this runs
        }
    }

    private static boolean holdsQuantities(Descriptor type) {
        Boolean known = HOLDS_QUANTITIES.get(type);
        if (known == null) {
            known = search(type, new HashSet<>());
            HOLDS_QUANTITIES.put(type, known);
        }
        return known;
    }

    private static boolean search(Descriptor type, Set<Descriptor> seen) {
        if (type.getFullName().equals(QUANTITY)) {
            return true;
        }
        if (!seen.add(type)) {
            return false; // a recursive type (JSONSchemaProps) is answered where it was first met
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && search(field.getMessageType(), seen)) {
                return true;
            }
        }
        return false;
    }
}
