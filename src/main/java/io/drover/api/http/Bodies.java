package io.drover.api.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.drover.api.ApiException;
import io.drover.api.protobuf.ProtobufBodies;
import io.drover.api.validation.DuplicateFields;
import io.drover.api.validation.StrictDecoding;
import io.drover.json.YamlTrees;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Reads request bodies: bounded in size, JSON or YAML, with parse errors answered as 400. */
public final class Bodies {

    /** Kubernetes refuses request bodies over 3 MiB. */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private static final Pattern JAVA_NAMES = Pattern.compile(
            ", from `[^`]*`|: enable `[^`]*` to allow| \\(bound as `[^`]*`\\)|: not allowed as per `[^`]*`");
    private static final Pattern LEADING_EXCEPTION = Pattern.compile("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    private final ObjectMapper json;
    /** The same reader with Jackson's own detector of a field given twice, which costs no second pass. */
    private final ObjectReader duplicateDetecting;
    private final YamlTrees yaml = new YamlTrees();

    Bodies(ObjectMapper json) {
        this.json = json;
        this.duplicateDetecting = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    }

    /**
     * The whole body, refused over 3 MiB. {@code declaredLength} is the Content-Length, or -1 when
     * the body is chunked. A body declared within the limit is read into an array of its size (the
     * server ends the request if fewer bytes come); reading "up to 3 MiB" starts with a 16 KiB
     * buffer, the largest allocation of a small write. Any other body is read up to the limit, also
     * one declared over it: refused unread, its client is cut off before it can read the 413.
     */
    public static byte[] readBounded(InputStream in, long declaredLength) throws IOException {
        boolean declaredWithin = declaredLength >= 0 && declaredLength <= MAX_BODY_BYTES;
        return withinLimit(in.readNBytes(declaredWithin ? (int) declaredLength : MAX_BODY_BYTES + 1));
    }

    /** A body already in memory (the in-process transport's), refused over 3 MiB as one read would be. */
    public static byte[] withinLimit(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw ApiException.tooLarge("Request entity too large: limit is " + MAX_BODY_BYTES);
        }
        return body;
    }

    /** Parses a body of the given media type (parameters ignored) into a JSON tree. */
    JsonNode parse(byte[] body, String contentType) {
        return parse(body, contentType, null);
    }

    /**
     * Parses a body of the given media type (parameters ignored) into a JSON tree; {@code kind}, when
     * the body is an object of that kind to create or replace (or to post to a subresource), is the
     * endpoint's: an object that names no apiVersion or kind gets this one's, as kube-apiserver's
     * decoders complete it, and what go-yaml refuses in a YAML body is worded as kube-apiserver's
     * create and update handlers word it.
     */
    JsonNode parse(byte[] body, String contentType, BodyKind kind) {
        return parse(body, contentType, kind, false).tree();
    }

    /**
     * A body as {@link #parse(byte[], String, BodyKind)} reads it, with what a strict decoder notices
     * while reading: fields given twice (found only when {@code findDuplicates}).
     */
    Parsed parse(byte[] body, String contentType, BodyKind kind, boolean findDuplicates) {
        Parsed parsed = read(body, contentType, kind, findDuplicates);
        return kind == null ? parsed : parsed.withTree(kind.defaultsOf(parsed.tree()));
    }

    private Parsed read(byte[] body, String contentType, BodyKind kind, boolean findDuplicates) {
        String media = mediaType(contentType);
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        if (media.equals(ProtobufBodies.MEDIA_TYPE)) {
            try {
                return new Parsed(kind == null ? ProtobufBodies.decode(body)
                        : ProtobufBodies.decode(body, kind.apiVersion(), kind.kind()), false, List.of(), List.of());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("the protobuf request body could not be decoded: " + e.getMessage());
            }
        }
        if (kind != null && (media.endsWith("-patch+json") || media.equals("application/apply-patch+yaml"))) {
            // A create or a replace takes an object, not a patch (kube-apiserver's serializers for them are
            // JSON, YAML and protobuf only).
            throw ApiException.unsupportedMediaType();
        }
        boolean isYaml = switch (media) {
            case "application/json", "application/merge-patch+json", "application/json-patch+json",
                    "application/strategic-merge-patch+json", "" -> false;
            case "application/yaml", "application/apply-patch+yaml" -> true;
            default -> throw ApiException.unsupportedMediaType();
        };
        try {
            List<YamlTrees.DuplicateKey> yamlDuplicates = List.of();
            List<DuplicateFields.Occurrence> jsonFields = List.of();
            JsonNode node;
            if (isYaml) {
                YamlTrees.Read read = yaml.readWithDuplicates(body);
                node = read.tree();
                yamlDuplicates = read.duplicates();
            } else {
                try {
                    node = findDuplicates ? duplicateDetecting.readTree(body) : json.readTree(body);
                } catch (JsonParseException e) {
                    if (!DuplicateFields.isDuplicate(e)) {
                        throw e;
                    }
                    // A field given twice, rarely: read as Go reads it (the last value wins), and find them all.
                    node = json.readTree(body);
                    jsonFields = DuplicateFields.occurrences(body);
                }
            }
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return new Parsed(node, isYaml, jsonFields, findDuplicates ? yamlDuplicates : List.of());
        } catch (YamlTrees.DecodeException e) {
            throw ApiException.badRequest(yamlRefusal(body, media, kind, e.getMessage()));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("the request body could not be decoded" + where + ": "
                    + withoutJavaNames(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + withoutJavaNames(e.getMessage()));
        }
    }

    /**
     * A parsed body: its tree, whether it was YAML, and the fields given twice in it (as JSON fields
     * in document order, or as YAML keys).
     */
    record Parsed(JsonNode tree, boolean yaml, List<DuplicateFields.Occurrence> jsonFields,
            List<YamlTrees.DuplicateKey> yamlDuplicates) {
        /** go-yaml's strict errors for the repeated YAML keys, in document order. */
        List<String> yamlDuplicateLines() {
            return yamlDuplicates.stream().map(d -> StrictDecoding.alreadySetInMap(d.line(), d.key())).toList();
        }

        /** What strict decoding found in this body as an object to create or replace: its fields given twice. */
        StrictDecoding objectDecoding() {
            return yaml ? StrictDecoding.yamlObject(yamlDuplicateLines())
                    : StrictDecoding.objectInDocumentOrder(jsonFields);
        }

        Parsed withTree(JsonNode completed) {
            return completed == tree ? this : new Parsed(completed, yaml, jsonFields, yamlDuplicates);
        }
    }

    /**
     * go-yaml's message as kube-apiserver passes it on: server-side apply unmarshals with
     * sigs.k8s.io/yaml ("error decoding YAML: error converting YAML to JSON: ..."), create and update
     * decode with the YAML serializer and word the error as transformDecodeError does, with the
     * first 30 bytes of the body (in hex unless it starts with '{').
     */
    private static String yamlRefusal(byte[] body, String media, BodyKind kind, String goYaml) {
        if (media.equals("application/apply-patch+yaml")) {
            return "error decoding YAML: error converting YAML to JSON: " + goYaml;
        }
        if (kind == null) {
            return "the request body could not be decoded: " + goYaml;
        }
        int shown = Math.min(body.length, 30);
        String summary = body[0] == '{' ? new String(body, 0, shown, StandardCharsets.UTF_8)
                : HexFormat.of().formatHex(body, 0, shown);
        return "the object provided is unrecognized (must be of type " + kind.kind() + "): " + goYaml + " ("
                + summary + (body.length > shown ? " ...)" : ")");
    }

    /**
     * A parser's message without the Java it names: Jackson's hints at its own settings ("enable
     * `JsonReadFeature...` to allow", "from `StreamReadConstraints...`", "bound as `...JsonNode`") and
     * an exception's class name in front.
     */
    static String withoutJavaNames(String message) {
        if (message == null) {
            return "";
        }
        return JAVA_NAMES.matcher(LEADING_EXCEPTION.matcher(message).replaceFirst("")).replaceAll("");
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
    }
}
