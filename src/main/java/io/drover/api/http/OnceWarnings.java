package io.drover.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A response that adds each Warning header once, as kube-apiserver's per-request warning recorder
 * keeps each text once: a patch retried on a conflict runs its checks, and warns, again.
 */
final class OnceWarnings implements ApiResponse {
    private final ApiResponse response;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    OnceWarnings(ApiResponse response) {
        this.response = response;
    }

    @Override
    public void addHeader(String name, String value) {
        if (name.equalsIgnoreCase("Warning") && !warned.add(value)) {
            return;
        }
        response.addHeader(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) throws IOException {
        response.send(status, contentType, body);
    }

    @Override
    public OutputStream stream(int status, String contentType) throws IOException {
        return response.stream(status, contentType);
    }

    @Override
    public void watch(WatchStream events) throws IOException {
        response.watch(events);
    }
}
