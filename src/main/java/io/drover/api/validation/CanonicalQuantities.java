package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.QUANTITY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
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
        DescriptorWalk.walk(apiVersion, kind, object, new DescriptorWalk.Visitor() {
            @Override
            public boolean enters(Descriptor type) {
                return holdsQuantities(type);
            }

            @Override
            public JsonNode member(Descriptor owner, FieldDescriptor field, JsonNode value) {
                return field.isRepeated() ? value : canonical(field, value);
            }

            @Override
            public JsonNode element(FieldDescriptor field, JsonNode value) {
                return canonical(field, value);
            }
        });
    }

    /** A value of a field: a quantity in its canonical form, anything else as it is. */
    private static JsonNode canonical(FieldDescriptor field, JsonNode value) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
                || !field.getMessageType().getFullName().equals(QUANTITY)
                || (!value.isTextual() && !value.isNumber())) {
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
