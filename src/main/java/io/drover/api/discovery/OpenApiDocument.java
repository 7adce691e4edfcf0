package io.drover.api.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Objects;

/**
 * One per-group-version OpenAPI v3 document as served at /openapi/v3/&lt;path&gt;.
 *
 * @param path "api/v1" or "apis/&lt;group&gt;/&lt;version&gt;"
 * @param json the document, exactly as served
 * @param hash uppercase hex SHA-512 of the UTF-8 bytes of {@code json}, as kube-apiserver computes
 *     it; the root document links to {@code /openapi/v3/<path>?hash=<hash>}
 */
public record OpenApiDocument(String path, String json, String hash) {

    public OpenApiDocument {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(hash, "hash");
    }

    /** The response body. */
    public byte[] bytes() {
        return json.getBytes(UTF_8);
    }

    /** The URL the root document lists for this document. */
    public String serverRelativeUrl() {
        return "/openapi/v3/" + path + "?hash=" + hash;
    }
}
