package io.drover.api.loopback;

import io.drover.api.http.ApiRequest;
import io.drover.api.http.Bodies;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fabric8 request as the router reads an HTTP one: decoded path and query, headers by lower-case name. */
final class LoopbackRequests {
    private LoopbackRequests() {}

    static ApiRequest toApiRequest(StandardHttpRequest request) {
        URI uri = request.uri();
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach((name, values) ->
                headers.put(name.toLowerCase(), String.join(",", values)));
        if (request.getContentType() != null) {
            headers.putIfAbsent("content-type", request.getContentType());
        }
        String path = uri.getPath();
        return new ApiRequest(request.method(), path == null || path.isEmpty() ? "/" : path,
                query(uri.getRawQuery()), headers, () -> body(request.body()));
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The body bytes, bounded as an HTTP body is. */
    private static byte[] body(StandardHttpRequest.BodyContent content) throws java.io.IOException {
        return switch (content) {
            case null -> new byte[0];
            case StandardHttpRequest.StringBodyContent s -> Bodies.withinLimit(s.getContent().getBytes(StandardCharsets.UTF_8));
            case StandardHttpRequest.ByteArrayBodyContent b -> Bodies.withinLimit(b.getContent());
            case StandardHttpRequest.InputStreamBodyContent in -> read(in.getContent(), in.getLength());
            default -> throw new IllegalArgumentException("unknown request body " + content.getClass().getName());
        };
    }

    private static byte[] read(InputStream in, long length) throws java.io.IOException {
        try (in) {
            return Bodies.readBounded(in, length);
        }
    }
}
