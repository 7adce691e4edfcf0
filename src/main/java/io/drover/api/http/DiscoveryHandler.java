package io.drover.api.http;

import java.io.IOException;

/** Serves the discovery and OpenAPI documents. */
public interface DiscoveryHandler {
    /** Answers {@code path} and returns true, or returns false when it is not a discovery path. */
    boolean handle(ApiRequest request, String path, ApiResponse response) throws IOException;
}
