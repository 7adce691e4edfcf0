package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.DURATION;
import static io.drover.api.validation.ApimachineryTypes.FIELDS_V1;
import static io.drover.api.validation.ApimachineryTypes.INT_OR_STRING;
import static io.drover.api.validation.ApimachineryTypes.MICRO_TIME;
import static io.drover.api.validation.ApimachineryTypes.QUANTITY;
import static io.drover.api.validation.ApimachineryTypes.RAW_EXTENSION;
import static io.drover.api.validation.ApimachineryTypes.TIME;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.drover.api.protobuf.GoSlices;
import io.drover.api.protobuf.ProtobufBodies;
import io.drover.json.GoJsonErrors;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a value whose JSON type is not its field's, as Kubernetes' typed decoding refuses it, and
 * words the refusal as Go's encoding/json does: {@code json: cannot unmarshal number into Go struct
 * field ObjectMeta.metadata.labels of type string}. A quantity that is not one (a CPU limit of
 * "abc", a memory of "1K") is refused as Kubernetes' Quantity decoder refuses it ({@link Quantities}), a
 * {@code []byte} that is not base64 as Go's decoder refuses it ({@code illegal base64 data at input byte 0}), and a
 * time that {@code metav1.Time} or {@code MicroTime} cannot read with Go's {@code time.Parse} message
 * ({@link GoTimes}). A named Go slice ({@code ExtraValue}, {@link GoSlices}) is an array of strings.
 *
 * <p>Without this, a label given as a number or an array was stored as it came, and every client
 * that decodes the kind (the server's own informers among them) failed on that object: one such
 * ConfigMap stopped the server's ConfigMap informer for good. Likewise a ConfigMap's binaryData of "!!!" made
 * {@code kubectl describe cm} fail for its whole namespace, and a pod's status.startTime of "garbage"
 * {@code kubectl describe pods}.
 *
 * <p>The schema is the kind's protobuf message descriptor, as for {@link UnknownFields}; unknown
 * fields are that class's business and are skipped here. JSON null is accepted everywhere, as Go
 * accepts it. The Go types named are the proto's scalars ({@code string}, {@code int32},
 * {@code int64}, {@code bool}, {@code float64}, {@code []uint8}), slices, maps and message types
 * ({@code v1.ObjectMeta}); a Go type defined on a scalar ({@code types.UID}) is named by its scalar.
 */
public final class FieldTypes {
    private static final String PACKAGE_PREFIX = "k8s.io.";

    /** resource.ErrFormatWrong, for a quantity that is neither a string nor a number. */
    static final String QUANTITY_FORMAT_ERROR = Quantities.FORMAT_ERROR;

    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private FieldTypes() {}

    /**
     * The decoding error of {@code object}, a {@code kind} in {@code apiVersion}, as
     * kube-apiserver answers it ({@code ConfigMap in version "v1" cannot be handled as a
     * ConfigMap: json: ...}); empty when every known field has a value of its type, or when drover
     * has no descriptor for the kind.
     */
    public static Optional<String> decodingError(String apiVersion, String kind, JsonNode object) {
        if (apiVersion == null || kind == null || object == null || !object.isObject()) {
            return Optional.empty();
        }
        Descriptor type = ProtobufBodies.messageType(apiVersion, kind).orElse(null);
        if (type == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (member.getKey().equals("apiVersion") || member.getKey().equals("kind")) {
                if (!member.getValue().isTextual() && !member.getValue().isNull()) {
                    return Optional.of(handledAs(apiVersion, kind, mismatch(member.getValue(), "TypeMeta",
                            member.getKey(), "string")));
                }
                continue;
            }
            String error = memberError(type, member);
            if (error != null) {
                return Optional.of(handledAs(apiVersion, kind, error));
            }
        }
        return Optional.empty();
    }

    /**
     * The first value of {@code object} whose JSON type is not its field's in {@code type}, worded
     * as Go's encoding/json words it ({@code json: cannot unmarshal string into Go struct field
     * DeleteOptions.dryRun of type []string}), for a request's options, which kube-apiserver
     * decodes without naming a kind; empty when there is none. apiVersion and kind are not looked at.
     */
    public static Optional<String> valueError(Descriptor type, JsonNode object) {
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!member.getKey().equals("apiVersion") && !member.getKey().equals("kind")) {
                String error = memberError(type, member);
                if (error != null) {
                    return Optional.of(error);
                }
            }
        }
        return Optional.empty();
    }

    private static String memberError(Descriptor type, Map.Entry<String, JsonNode> member) {
        return field(type, UnknownFields.fieldsOf(type).get(member.getKey()), member.getValue(), member.getKey());
    }

    private static String handledAs(String apiVersion, String kind, String error) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return kind + " in version \"" + version + "\" cannot be handled as a " + kind + ": " + error;
    }

    /** The error of one field's value, or null; {@code path} is the JSON path without indices or keys, as Go's. */
    private static String field(Descriptor owner, FieldDescriptor field, JsonNode value, String path) {
        if (field == null || value.isNull()) {
            return null;
        }
        String struct = owner.getName();
        if (field.isMapField()) {
            FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
            if (!value.isObject()) {
                return mismatch(value, struct, path, "map[string]" + goType(valueField));
            }
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                String error = single(owner, valueField, entry.getValue(), path);
                if (error != null) {
                    return error;
                }
            }
            return null;
        }
        if (field.isRepeated()) {
            if (!value.isArray()) {
                return mismatch(value, struct, path, "[]" + goType(field));
            }
            for (JsonNode element : value) {
                String error = single(owner, field, element, path);
                if (error != null) {
                    return error;
                }
            }
            return null;
        }
        return single(owner, field, value, path);
    }

    /** One value of a field (the field itself, an element of a list, a value of a map). */
    private static String single(Descriptor owner, FieldDescriptor field, JsonNode value, String path) {
        if (value.isNull()) {
            return null;
        }
        String struct = owner.getName();
        return switch (field.getJavaType()) {
            case STRING -> value.isTextual() ? null : mismatch(value, struct, path, "string");
            case BYTE_STRING -> value.isTextual() ? base64(value.textValue())
                    : mismatch(value, struct, path, "[]uint8");
            case BOOLEAN -> value.isBoolean() ? null : mismatch(value, struct, path, "bool");
            case INT -> integer(value, struct, path, "int32", INT32_MIN, INT32_MAX);
            case LONG -> integer(value, struct, path, "int64", INT64_MIN, INT64_MAX);
            case FLOAT, DOUBLE -> value.isNumber() ? null : mismatch(value, struct, path, "float64");
            case MESSAGE -> message(field.getMessageType(), value, struct, path);
            default -> null;
        };
    }

    private static String message(Descriptor type, JsonNode value, String struct, String path) {
        if (GoSlices.isSlice(type)) {
            return strings(type, value, struct, path);
        }
        switch (type.getFullName()) {
            case TIME -> {
                return value.isTextual() ? GoTimes.parseError(GoTimes.RFC3339, value.textValue())
                        : mismatch(value, struct, path, "string");
            }
            case MICRO_TIME -> {
                return value.isTextual() ? GoTimes.parseError(GoTimes.RFC3339_MICRO, value.textValue())
                        : mismatch(value, struct, path, "string");
            }
            case DURATION -> {
                return value.isTextual() ? null : mismatch(value, struct, path, "string");
            }
            case INT_OR_STRING -> {
                return value.isTextual() || value.canConvertToInt() && value.isIntegralNumber() ? null
                        : mismatch(value, struct, path, "intstr.IntOrString");
            }
            case QUANTITY -> {
                if (!value.isNumber() && !value.isTextual()) {
                    return QUANTITY_FORMAT_ERROR;
                }
                try {
                    Quantities.canonical(value.asText().strip());
                    return null;
                } catch (Quantities.InvalidQuantityException e) {
                    return e.getMessage();
                } catch (ArithmeticException e) {
                    return QUANTITY_FORMAT_ERROR; // a number no quantity can hold
                }
            }
            case RAW_EXTENSION -> {
                return null;
            }
            case FIELDS_V1 -> {
                return value.isObject() ? null : mismatch(value, struct, path, "v1.FieldsV1");
            }
            default -> {
                if (!value.isObject()) {
                    return mismatch(value, struct, path, goName(type));
                }
                Map<String, FieldDescriptor> fields = UnknownFields.fieldsOf(type);
                for (Map.Entry<String, JsonNode> member : value.properties()) {
                    String error = field(type, fields.get(member.getKey()), member.getValue(),
                            path + "." + member.getKey());
                    if (error != null) {
                        return error;
                    }
                }
                return null;
            }
        }
    }

    /** A named slice of strings ({@link GoSlices}): a JSON array, as Go reads it, not the proto's {items: [...]}. */
    private static String strings(Descriptor type, JsonNode value, String struct, String path) {
        if (!value.isArray()) {
            return mismatch(value, struct, path, goName(type));
        }
        for (JsonNode element : value) {
            if (!element.isTextual() && !element.isNull()) {
                return mismatch(element, struct, path, "string");
            }
        }
        return null;
    }

    /** A []byte is base64 in JSON; Go's decoder fails on anything else with the base64 package's error. */
    private static String base64(String text) {
        try {
            Base64Values.decode(text);
            return null;
        } catch (Base64Values.IllegalBase64 e) {
            return e.getMessage();
        }
    }

    private static String integer(JsonNode value, String struct, String path, String goType, BigInteger min,
            BigInteger max) {
        if (value.isIntegralNumber()) {
            BigInteger n = value.bigIntegerValue();
            if (n.compareTo(min) >= 0 && n.compareTo(max) <= 0) {
                return null;
            }
        }
        if (value.isNumber()) {
            return "json: cannot unmarshal number " + value.asText() + " into Go struct field " + struct + "."
                    + path + " of type " + goType;
        }
        return mismatch(value, struct, path, goType);
    }

    private static String mismatch(JsonNode value, String struct, String path, String goType) {
        return "json: cannot unmarshal " + GoJsonErrors.kindOf(value) + " into Go struct field " + struct + "." + path
                + " of type " + goType;
    }



    private static String goType(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING -> "string";
            case BYTE_STRING -> "[]uint8";
            case BOOLEAN -> "bool";
            case INT -> "int32";
            case LONG -> "int64";
            case FLOAT, DOUBLE -> "float64";
            case MESSAGE -> goName(field.getMessageType());
            default -> field.getJavaType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** "v1.ObjectMeta" for k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta: Go's package.Type. */
    private static String goName(Descriptor type) {
        String pkg = type.getFile().getPackage();
        String last = pkg.startsWith(PACKAGE_PREFIX) ? pkg.substring(pkg.lastIndexOf('.') + 1) : pkg;
        return last + "." + type.getName();
    }
}
