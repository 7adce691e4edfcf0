package io.drover.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiException;
import io.drover.api.protobuf.ProtobufBodies;
import io.drover.json.Mappers;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies: bounded in size, JSON or YAML, with parse errors answered as 400. */
public final class Bodies {

    /** Kubernetes refuses request bodies over 3 MiB. */
    static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private final ObjectMapper json;
    private final ObjectMapper yaml = Mappers.yaml();

    Bodies(ObjectMapper json) {
        this.json = json;
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
        String media = mediaType(contentType);
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        ObjectMapper mapper = switch (media) {
            case "application/json", "application/merge-patch+json", "application/json-patch+json",
                    "application/strategic-merge-patch+json", "" -> json;
            case "application/yaml", "application/apply-patch+yaml", "application/x-yaml", "text/yaml" -> yaml;
            case ProtobufBodies.MEDIA_TYPE -> null;
            default -> throw ApiException.unsupportedMediaType(media);
        };
        if (mapper == null) {
            try {
                return ProtobufBodies.decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("the protobuf request body could not be decoded: " + e.getMessage());
            }
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("the request body could not be decoded" + where + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
    }
}
