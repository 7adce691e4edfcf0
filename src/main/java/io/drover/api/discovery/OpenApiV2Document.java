package io.drover.api.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import io.drover.api.MediaRange;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The Swagger 2.0 document at /openapi/v2, in JSON and in the protobuf encoding of gnostic's
 * {@code openapi_v2.Document} that client-go asks for.
 *
 * <p>kubectl falls back to it when a kind's OpenAPI v3 document has no PATCH operation to show
 * that the server validates fields itself, as for the review kinds (SelfSubjectAccessReview,
 * TokenReview...) that are only ever created. It then validates the object client-side against
 * the v2 definition of its kind, and skips validation for a kind the document does not define.
 * Like the v3 documents, this one carries no schemas, so kubectl leaves validation to the server,
 * which checks every object it is sent. Without the document, {@code kubectl create -f} of such a
 * kind failed with "failed to download openapi" unless {@code --validate=false} was given.
 */
public final class OpenApiV2Document {

    /** What kube-openapi answers for either protobuf media type it accepts. */
    public static final String PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private static final String JSON_CONTENT_TYPE = "application/json";

    /** kube-openapi's accepted media types, in its order; the first one the Accept header matches wins. */
    private static final List<String[]> ACCEPTED = List.of(
            new String[] {"application", "json"},
            new String[] {"application", "com.github.proto-openapi.spec.v2@v1.0+protobuf"},
            new String[] {"application", "com.github.proto-openapi.spec.v2.v1.0+protobuf"});

    // Field numbers of gnostic's openapiv2/OpenAPIv2.proto.
    private static final int DOCUMENT_SWAGGER = 1;
    private static final int DOCUMENT_INFO = 2;
    private static final int DOCUMENT_PATHS = 8;
    private static final int INFO_TITLE = 1;
    private static final int INFO_VERSION = 2;

    private final byte[] json;
    private final byte[] protobuf;
    private final String etag;

    public OpenApiV2Document() {
        this.json = ("{\"swagger\":\"2.0\",\"info\":{\"title\":\"Kubernetes\",\"version\":\""
                + OpenApiDocuments.KUBERNETES_VERSION + "\"},\"paths\":{}}").getBytes(UTF_8);
        this.protobuf = encodeProtobuf();
        // One tag for both encodings: they are the same document.
        this.etag = "\"" + OpenApiDocuments.hash(new String(json, UTF_8)) + "\"";
    }

    /**
     * The representation for an Accept header, or empty when it accepts none (kube answers 406).
     * As kube-openapi's goautoneg: ranges by quality, a more specific one first at equal quality.
     */
    public Optional<Representation> negotiate(String accept) {
        for (MediaRange range : MediaRange.parseAccept(accept == null || accept.isBlank() ? "*/*" : accept)) {
            for (String[] accepted : ACCEPTED) {
                if (range.covers(accepted[0], accepted[1])) {
                    return Optional.of(accepted[1].equals("json")
                            ? new Representation(JSON_CONTENT_TYPE, json)
                            : new Representation(PROTOBUF_CONTENT_TYPE, protobuf));
                }
            }
        }
        return Optional.empty();
    }

    /** The quoted entity tag of the document. */
    public String etag() {
        return etag;
    }

    private static byte[] encodeProtobuf() {
        ByteString info = message(out -> {
            out.writeString(INFO_TITLE, "Kubernetes");
            out.writeString(INFO_VERSION, OpenApiDocuments.KUBERNETES_VERSION);
        });
        return message(out -> {
            out.writeString(DOCUMENT_SWAGGER, "2.0");
            out.writeBytes(DOCUMENT_INFO, info);
            out.writeBytes(DOCUMENT_PATHS, ByteString.EMPTY);
        }).toByteArray();
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static ByteString message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return ByteString.copyFrom(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the OpenAPI v2 document", e);
        }
    }

    /** One encoding of the document. */
    public record Representation(String contentType, byte[] body) {}
}
