package io.drover.api.protobuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.drover.json.Mappers;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decodes Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}) into the JSON object
 * the same request would have carried as {@code application/json}.
 *
 * <p>A body is the magic {@code k8s\0} followed by a {@code runtime.Unknown} whose {@code typeMeta} names the
 * apiVersion and kind and whose {@code raw} is the object's wire encoding. The schemas are the descriptors of
 * {@code io.kubernetes:client-java-proto}; the bytes are parsed as protobuf-java {@link DynamicMessage}s, not with
 * that library's generated parsers, which are pre-3.21.7 gencode that protobuf-java flags as open to a parsing
 * denial of service (GHSA-h4h5-3hr4-j3g2) and warns about per type. Field names are the JSON names. The Kubernetes
 * schemas are proto2, so a field is on the wire exactly when the sender set it:
 * <ul>
 *   <li>scalars are emitted when present, zero values included (Go always sends non-pointer fields, e.g.
 *       {@code metadata.generation: 0}; a pointer such as {@code spec.replicas: 0} is sent only when set);</li>
 *   <li>empty strings are dropped (Go's JSON omits them for the {@code omitempty} fields they come from);</li>
 *   <li>present messages are emitted even when empty ({@code strategy: {}}, {@code emptyDir: {}}), as Go's JSON
 *       does;</li>
 *   <li>{@code meta.v1.Time} becomes an RFC 3339 string (dropped when zero, Go's JSON {@code null}),
 *       {@code MicroTime} the same with microseconds, {@code IntOrString} a number or a string,
 *       {@code Quantity} its string, {@code RawExtension} and {@code FieldsV1} the embedded JSON, bytes base64, a
 *       named slice ({@link GoSlices}: a user's extra values) its array of strings.</li>
 * </ul>
 */
public final class ProtobufBodies {

    /** The media type of Kubernetes protobuf bodies. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = Mappers.requestJson();
    /** How deep RawExtensions may hold protobuf objects that hold RawExtensions: real objects nest one or two deep. */
    private static final int MAX_EMBEDDED_DEPTH = 8;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    private static final Descriptor UNKNOWN = Runtime.Unknown.getDescriptor();
    private static final FieldDescriptor UNKNOWN_TYPE_META = UNKNOWN.findFieldByName("typeMeta");
    private static final FieldDescriptor UNKNOWN_RAW = UNKNOWN.findFieldByName("raw");
    private static final FieldDescriptor UNKNOWN_CONTENT_ENCODING = UNKNOWN.findFieldByName("contentEncoding");
    private static final FieldDescriptor TYPE_META_API_VERSION =
            Runtime.TypeMeta.getDescriptor().findFieldByName("apiVersion");
    private static final FieldDescriptor TYPE_META_KIND = Runtime.TypeMeta.getDescriptor().findFieldByName("kind");

    private static final String TIME_TYPE = Meta.Time.getDescriptor().getFullName();
    private static final String MICRO_TIME_TYPE = Meta.MicroTime.getDescriptor().getFullName();
    private static final String INT_OR_STRING_TYPE = IntStr.IntOrString.getDescriptor().getFullName();
    private static final String QUANTITY_TYPE = Resource.Quantity.getDescriptor().getFullName();
    private static final String RAW_EXTENSION_TYPE = Runtime.RawExtension.getDescriptor().getFullName();
    private static final String FIELDS_V1_TYPE = Meta.FieldsV1.getDescriptor().getFullName();

    private ProtobufBodies() {
    }

    /** True when the body starts with the {@code k8s\0} magic of a Kubernetes protobuf body. */
    public static boolean hasMagic(byte[] body) {
        return body != null && body.length >= MAGIC.length
                && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** True when (apiVersion, kind) is one this decoder knows. */
    public static boolean supports(String apiVersion, String kind) {
        return ProtobufKinds.messageFor(apiVersion, kind) != null;
    }

    /**
     * The protobuf message type of (apiVersion, kind), if this decoder knows it. Its field names are the JSON
     * field names, which makes it a schema for other uses too (unknown-field detection).
     */
    public static Optional<Descriptor> messageType(String apiVersion, String kind) {
        return Optional.ofNullable(ProtobufKinds.messageFor(apiVersion, kind));
    }

    /**
     * Decodes one protobuf request body into its JSON object, with {@code apiVersion} and {@code kind} taken from
     * the envelope.
     *
     * @throws IllegalArgumentException when the magic is missing, the envelope or object bytes are malformed, the
     *         apiVersion/kind is unknown, or the envelope declares a content encoding
     */
    public static ObjectNode decode(byte[] body) {
        return decode(body, null, null, 0);
    }

    /**
     * Decodes one protobuf request body into its JSON object, as {@link #decode(byte[])} does, except that an
     * envelope without apiVersion or kind takes them from the endpoint's: kube-apiserver's protobuf serializer fills
     * what the envelope's TypeMeta lacks from the default it is given (copyKindDefaults), as its JSON serializer does.
     *
     * @param defaultApiVersion the endpoint's apiVersion, for an envelope that names none
     * @param defaultKind the endpoint's kind, for an envelope that names none
     * @throws IllegalArgumentException as {@link #decode(byte[])} does
     */
    public static ObjectNode decode(byte[] body, String defaultApiVersion, String defaultKind) {
        return decode(body, defaultApiVersion, defaultKind, 0);
    }

    private static ObjectNode decode(byte[] body, String defaultApiVersion, String defaultKind, int depth) {
        if (depth > MAX_EMBEDDED_DEPTH) {
            throw new IllegalArgumentException("embedded objects nested more than " + MAX_EMBEDDED_DEPTH + " deep");
        }
        if (!hasMagic(body)) {
            throw new IllegalArgumentException("not a Kubernetes protobuf body: it does not start with \"k8s\\0\"");
        }
        DynamicMessage envelope;
        try {
            envelope = DynamicMessage.parseFrom(UNKNOWN,
                    ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed protobuf envelope: " + e.getMessage(), e);
        }
        Message typeMeta = (Message) envelope.getField(UNKNOWN_TYPE_META);
        String apiVersion = (String) typeMeta.getField(TYPE_META_API_VERSION);
        String kind = (String) typeMeta.getField(TYPE_META_KIND);
        if (apiVersion.isEmpty() && defaultApiVersion != null) {
            apiVersion = defaultApiVersion;
        }
        if (kind.isEmpty() && defaultKind != null) {
            kind = defaultKind;
        }
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new IllegalArgumentException("protobuf envelope without apiVersion and kind");
        }
        if (!envelope.hasField(UNKNOWN_RAW)) {
            throw new IllegalArgumentException("protobuf envelope for " + apiVersion + " " + kind + " without an object");
        }
        String contentEncoding = (String) envelope.getField(UNKNOWN_CONTENT_ENCODING);
        if (!contentEncoding.isEmpty()) {
            throw new IllegalArgumentException("unsupported protobuf content encoding \"" + contentEncoding + "\"");
        }
        Descriptor type = ProtobufKinds.messageFor(apiVersion, kind);
        if (type == null) {
            throw new IllegalArgumentException(
                    "no protobuf decoding for apiVersion \"" + apiVersion + "\", kind \"" + kind + "\"");
        }
        Message object;
        try {
            object = DynamicMessage.parseFrom(type, (ByteString) envelope.getField(UNKNOWN_RAW));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(
                    "malformed protobuf " + apiVersion + " " + kind + ": " + e.getMessage(), e);
        }
        ObjectNode json = NODES.objectNode();
        json.put("apiVersion", apiVersion);
        json.put("kind", kind);
        json.setAll(message(object, depth));
        return json;
    }

    private static ObjectNode message(Message message, int depth) {
        ObjectNode json = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) == 0) {
                    continue;
                }
                if (field.isMapField()) {
                    json.set(GoJsonFields.jsonName(field), map(message, field, depth));
                } else {
                    ArrayNode array = json.putArray(GoJsonFields.jsonName(field));
                    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                        JsonNode element = value(field, message.getRepeatedField(field, i), depth);
                        array.add(element == null ? NODES.nullNode() : element);
                    }
                }
            } else if (message.hasField(field)) {
                JsonNode value = value(field, message.getField(field), depth);
                if (value instanceof ObjectNode inline && GoJsonFields.isInline(field)) {
                    json.setAll(inline);
                } else if (value != null) {
                    json.set(GoJsonFields.jsonName(field), value);
                }
            }
        }
        return json;
    }

    private static ObjectNode map(Message message, FieldDescriptor field, int depth) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor keyField = entry.findFieldByName("key");
        FieldDescriptor valueField = entry.findFieldByName("value");
        ObjectNode json = NODES.objectNode();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            Message pair = (Message) message.getRepeatedField(field, i);
            String key = String.valueOf(pair.getField(keyField));
            JsonNode value = pair.hasField(valueField) ? value(valueField, pair.getField(valueField), depth) : null;
            // Map values are never omitted: {"a": ""} is a label with an empty value.
            if (value == null) {
                value = valueField.getJavaType() == FieldDescriptor.JavaType.STRING ? NODES.textNode("")
                        : valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? NODES.objectNode()
                        : NODES.nullNode();
            }
            json.set(key, value);
        }
        return json;
    }

    /** The JSON of one value, or null when Go's JSON would omit it. */
    private static JsonNode value(FieldDescriptor field, Object value, int depth) {
        return switch (field.getJavaType()) {
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> number((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case STRING -> ((String) value).isEmpty() ? null : NODES.textNode((String) value);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(String.valueOf(value));
            case MESSAGE -> special((Message) value, depth);
        };
    }

    /** An int64 as the node Jackson's parser makes of the same JSON number (int when it fits). */
    private static JsonNode number(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static JsonNode special(Message value, int depth) {
        String type = value.getDescriptorForType().getFullName();
        if (type.equals(TIME_TYPE) || type.equals(MICRO_TIME_TYPE)) {
            long seconds = (Long) field(value, "seconds");
            int nanos = (Integer) field(value, "nanos");
            if (seconds == 0 && nanos == 0) {
                return null;
            }
            DateTimeFormatter format = type.equals(TIME_TYPE) ? TIME : MICRO_TIME;
            try {
                return NODES.textNode(format.format(Instant.ofEpochSecond(seconds, nanos)));
            } catch (DateTimeException | ArithmeticException e) {
                throw new IllegalArgumentException("time of " + seconds + " seconds is out of range");
            }
        }
        if (type.equals(INT_OR_STRING_TYPE)) {
            return (Long) field(value, "type") == 1 ? NODES.textNode((String) field(value, "strVal"))
                    : NODES.numberNode((Integer) field(value, "intVal"));
        }
        if (type.equals(QUANTITY_TYPE)) {
            String quantity = (String) field(value, "string");
            return quantity.isEmpty() ? null : NODES.textNode(quantity);
        }
        if (type.equals(RAW_EXTENSION_TYPE)) {
            return embedded((ByteString) field(value, "raw"), depth);
        }
        if (type.equals(FIELDS_V1_TYPE)) {
            // Always JSON: kube-apiserver's field manager reads it as such (a nested body is no field set).
            return embeddedJson((ByteString) field(value, "Raw"));
        }
        if (GoSlices.isSlice(value.getDescriptorForType())) {
            ArrayNode array = NODES.arrayNode();
            FieldDescriptor items = GoSlices.items(value.getDescriptorForType());
            for (int i = 0; i < value.getRepeatedFieldCount(items); i++) {
                array.add((String) value.getRepeatedField(items, i));
            }
            return array;
        }
        return message(value, depth);
    }

    private static Object field(Message message, String name) {
        return message.getField(message.getDescriptorForType().findFieldByName(name));
    }

    /** A RawExtension's bytes: JSON as is, a nested protobuf body decoded (to a bounded depth), anything else refused. */
    private static JsonNode embedded(ByteString raw, int depth) {
        if (!raw.isEmpty() && hasMagic(raw.toByteArray())) {
            return decode(raw.toByteArray(), null, null, depth + 1);
        }
        return embeddedJson(raw);
    }

    private static JsonNode embeddedJson(ByteString raw) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            // Part of a request body: read under the request limits (nesting, lengths), as the body itself is.
            return JSON.readTree(raw.toByteArray());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("embedded object is neither JSON nor protobuf: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("embedded object could not be read: " + e.getMessage(), e);
        }
    }

    /** The (apiVersion, kind) pairs this decoder knows, as "apiVersion/kind" strings, for diagnostics. */
    public static List<String> supportedKinds() {
        return ProtobufKinds.all().keySet().stream().sorted().toList();
    }
}
