package io.drover.api.http;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the API layer sees it, independent of the HTTP server.
 *
 * @param method GET, POST, ...
 * @param path the decoded path
 * @param query the query parameters, each with all its values
 * @param headers the request headers by lower-case name
 * @param body the body bytes, read on demand and bounded
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query,
        Map<String, String> headers, BodySupplier body) {

    /** Reads the request body; called at most once. */
    @FunctionalInterface
    public interface BodySupplier {
        byte[] read() throws java.io.IOException;
    }

    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A boolean parameter as Kubernetes converts one: absent, "0" and "false" (any case) are false, the rest true. */
    public boolean flag(String name) {
        String value = param(name);
        return value != null && goBool(value);
    }

    /** apimachinery's Convert_Slice_string_To_bool for a present value: only "0" and "false" (any case) are false. */
    static boolean goBool(String value) {
        return !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    public String header(String name) {
        return headers.get(name.toLowerCase());
    }

    /** The headers whose (lower case) name starts with {@code prefix}, by the rest of their name. */
    public Map<String, String> headersStartingWith(String prefix) {
        Map<String, String> found = new java.util.TreeMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                found.put(name.substring(prefix.length()), value);
            }
        });
        return found;
    }

    /** This request with one header replaced. */
    public ApiRequest withHeader(String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(headers);
        copy.put(name.toLowerCase(), value);
        return new ApiRequest(method, path, query, Map.copyOf(copy), body);
    }
}
