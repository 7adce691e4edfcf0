package io.drover.api.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Text in a URL the API server builds towards a kubelet, pod or service: a path segment, a query key or value. */
public final class PercentEncoding {
    private PercentEncoding() {}

    /**
     * {@code s} percent-encoded in UTF-8. URLEncoder writes a space as "+" (form encoding), which a path reads as a
     * plus sign; "%20" is a space in a path and a query alike.
     */
    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
