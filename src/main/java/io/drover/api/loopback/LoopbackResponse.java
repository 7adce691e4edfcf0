package io.drover.api.loopback;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The router's answer as fabric8 reads it: status, headers (by lower-case name) and the body to consume. */
record LoopbackResponse(int code, Map<String, List<String>> headers, AsyncBody body, HttpRequest request)
        implements HttpResponse<AsyncBody> {

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(), List.of());
    }

    @Override
    public Optional<HttpResponse<?>> previousResponse() {
        return Optional.empty();
    }
}
