package io.drover.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A response with the headers kube-apiserver's handler chain puts on every answer: {@code Audit-Id} (the
 * client's own, echoed, or a new random one) and {@code Cache-Control: no-cache, private} unless the handler
 * set its own (aggregated discovery is {@code public}, service account issuer discovery cacheable for an hour),
 * as WithCacheControl leaves a Cache-Control the handler set.
 */
final class StandardHeaders implements ApiResponse {
    private static final String CACHE_CONTROL = "Cache-Control";

    private final ApiResponse response;
    private boolean cacheControlSet;

    StandardHeaders(ApiRequest request, ApiResponse response) {
        this.response = response;
        String auditId = request.header("audit-id");
        response.addHeader("Audit-Id", auditId == null || auditId.isEmpty() ? randomId() : auditId);
    }

    @Override
    public void addHeader(String name, String value) {
        if (name.equalsIgnoreCase(CACHE_CONTROL)) {
            cacheControlSet = true;
        }
        response.addHeader(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) throws IOException {
        defaultCacheControl();
        response.send(status, contentType, body);
    }

    @Override
    public OutputStream stream(int status, String contentType) throws IOException {
        defaultCacheControl();
        return response.stream(status, contentType);
    }

    @Override
    public void watch(WatchStream events) throws IOException {
        defaultCacheControl();
        response.watch(events);
    }

    private void defaultCacheControl() {
        if (!cacheControlSet) {
            cacheControlSet = true;
            response.addHeader(CACHE_CONTROL, "no-cache, private");
        }
    }

    /**
     * A version 4 UUID from the thread's generator: an audit id identifies a request in logs and
     * needs no secrecy, and SecureRandom would be one lock shared by every request.
     */
    private static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
