package io.drover.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.drover.api.protobuf.GoJsonFields;
import io.drover.api.protobuf.ProtobufBodies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the fields of a JSON object that its kind does not have, as the Kubernetes strict decoder reports them for
 * {@code fieldValidation=Strict|Warn}.
 *
 * <p>drover has no OpenAPI schemas, so the schema is the kind's protobuf message descriptor (client-java-proto):
 * Kubernetes proto field names are the JSON names. The JSON object is walked alongside the descriptor:
 * <ul>
 *   <li>a nested message recurses when the JSON value is an object, a repeated message per element
 *       ({@code spec.containers[0].foo}), a map of messages per value ({@code key} appended with a dot);</li>
 *   <li>maps of scalars (labels, annotations, data) accept any key;</li>
 *   <li>types whose JSON form is not their proto form accept any JSON: {@code meta.v1.Time}, {@code MicroTime},
 *       {@code Duration}, {@code IntOrString}, {@code Quantity}, {@code RawExtension}, {@code FieldsV1};</li>
 *   <li>Go structs embedded inline in JSON are proto fields of their own ({@code Volume.volumeSource},
 *       {@code Probe.handler}, {@code ConfigMapKeySelector.localObjectReference}, ...); their fields count as
 *       fields of the enclosing object;</li>
 *   <li>a value of the wrong JSON type is not this class's business (the decoder rejects it): a message field
 *       given a non-object, or a repeated field given a non-array, is not looked into.</li>
 * </ul>
 * {@code apiVersion} and {@code kind} are always known at the top level, and in the nested messages whose Go
 * structs embed TypeMeta (an Eviction's deleteOptions). Paths come in document order.
 */
public final class UnknownFields {

    /** Messages whose JSON is not the JSON of their proto fields; any value is accepted. */
    private static final Set<String> ANY_JSON = Set.of(
            "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
            "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
            "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
            "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
            "k8s.io.apimachinery.pkg.api.resource.Quantity",
            "k8s.io.apimachinery.pkg.runtime.RawExtension");

    /**
     * Messages met inside other objects whose Go structs embed metav1.TypeMeta inline, so that their JSON may carry
     * apiVersion and kind, which their protobuf messages leave out: an Eviction's deleteOptions.
     */
    private static final Set<String> WITH_TYPE_META = Set.of("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions");

    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

    private UnknownFields() {
    }

    /**
     * The unknown fields of {@code object}, a {@code kind} in {@code apiVersion}, as Kubernetes prints their paths
     * ({@code spec.foo}, {@code spec.template.spec.containers[0].imagee}); empty when all are known, when the kind
     * is one drover has no descriptor for, or when {@code object} is not a JSON object.
     */
    public static List<String> find(String apiVersion, String kind, JsonNode object) {
        if (apiVersion == null || kind == null || object == null || !object.isObject()) {
            return List.of();
        }
        Descriptor type = ProtobufBodies.messageType(apiVersion, kind).orElse(null);
        if (type == null) {
            return List.of();
        }
        List<String> unknown = new ArrayList<>();
        Map<String, FieldDescriptor> fields = fieldsOf(type);
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String name = member.getKey();
            if (name.equals("apiVersion") || name.equals("kind")) {
                continue;
            }
            field(fields.get(name), member.getValue(), name, unknown);
        }
        return Collections.unmodifiableList(unknown);
    }

    private static void message(Descriptor type, JsonNode object, String path, List<String> unknown) {
        Map<String, FieldDescriptor> fields = fieldsOf(type);
        boolean typeMeta = WITH_TYPE_META.contains(type.getFullName());
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String name = member.getKey();
            if (typeMeta && (name.equals("apiVersion") || name.equals("kind"))) {
                continue;
            }
            field(fields.get(name), member.getValue(), path + "." + name, unknown);
        }
    }

    private static void field(FieldDescriptor field, JsonNode value, String path, List<String> unknown) {
        if (field == null) {
            unknown.add(path);
            return;
        }
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return;
        }
        if (field.isMapField()) {
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            if (value.isObject() && valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    single(valueField.getMessageType(), entry.getValue(), path + "." + entry.getKey(), unknown);
                }
            }
        } else if (field.isRepeated()) {
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    single(field.getMessageType(), value.get(i), path + "[" + i + "]", unknown);
                }
            }
        } else {
            single(field.getMessageType(), value, path, unknown);
        }
    }

    private static void single(Descriptor type, JsonNode value, String path, List<String> unknown) {
        if (value.isObject() && !ANY_JSON.contains(type.getFullName())) {
            message(type, value, path, unknown);
        }
    }

    /** The JSON field names of a message, with the fields of inline-embedded structs lifted into it. */
    static Map<String, FieldDescriptor> fieldsOf(Descriptor type) {
        Map<String, FieldDescriptor> fields = FIELDS.get(type);
        if (fields == null) {
            fields = new LinkedHashMap<>();
            collect(type, fields);
            fields = Collections.unmodifiableMap(fields);
            FIELDS.putIfAbsent(type, fields);
        }
        return fields;
    }

    private static void collect(Descriptor type, Map<String, FieldDescriptor> into) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                    && GoJsonFields.isInline(field)) {
                collect(field.getMessageType(), into);
            } else {
                into.put(GoJsonFields.jsonName(field), field);
            }
        }
    }
}
