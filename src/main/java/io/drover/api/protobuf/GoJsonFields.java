package io.drover.api.protobuf;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Map;
import java.util.Set;

/**
 * Where Kubernetes' generated.proto and its JSON disagree: Go structs embedded inline in JSON
 * ({@code json:",inline"}) are named fields in the proto, and a few field names were lower-cased
 * differently. From k8s.io/api's types.go.
 */
public final class GoJsonFields {
    private GoJsonFields() {}

    /** "proto field name/message type name" of the inline-embedded structs. */
    private static final Set<String> INLINE = Set.of(
            "volumeSource/VolumeSource",
            "persistentVolumeSource/PersistentVolumeSource",
            "localObjectReference/LocalObjectReference",
            "handler/ProbeHandler",
            "ephemeralContainerCommon/EphemeralContainerCommon",
            "ingressRuleValue/IngressRuleValue",
            "ruleWithOperations/RuleWithOperations",
            "rule/Rule",
            "deviceConfiguration/DeviceConfiguration");

    /** Proto field names that differ from the JSON name (Go's generator lower-cased only the first letter). */
    private static final Map<String, String> JSON_NAMES = Map.of("uID", "uid", "aPIGroup", "apiGroup");

    /** Whether the field's message is embedded inline: its fields belong to the enclosing object. */
    public static boolean isInline(FieldDescriptor field) {
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && INLINE.contains(field.getName() + "/" + field.getMessageType().getName());
    }

    /** The JSON name of a field. */
    public static String jsonName(FieldDescriptor field) {
        return JSON_NAMES.getOrDefault(field.getName(), field.getName());
    }
}
