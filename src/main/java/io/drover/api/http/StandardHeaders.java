package io.drover.api.http;

import io.drover.api.discovery.DiscoveryDocuments;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The headers kube-apiserver's handler chain puts on every answer: {@code Audit-Id} (the client's
 * own, echoed, or a new random one) and {@code Cache-Control: no-cache, private}, except on
 * aggregated discovery, which clients may cache ({@code public}, with its ETag).
 */
final class StandardHeaders {
    private StandardHeaders() {}

    static void add(ApiRequest request, ApiResponse response) {
        String auditId = request.header("audit-id");
        response.addHeader("Audit-Id", auditId == null || auditId.isEmpty() ? randomId() : auditId);
        response.addHeader("Cache-Control", aggregatedDiscovery(request) ? "public" : "no-cache, private");
    }

    private static boolean aggregatedDiscovery(ApiRequest request) {
        String path = request.path();
        boolean discoveryRoot = path.equals("/api") || path.equals("/apis") || path.equals("/api/") || path.equals("/apis/");
        return discoveryRoot && DiscoveryDocuments.aggregatedVersion(request.header("accept")).isPresent();
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
