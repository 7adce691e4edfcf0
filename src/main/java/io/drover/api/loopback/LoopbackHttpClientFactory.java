package io.drover.api.loopback;

import io.drover.api.http.ApiRouter;
import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * fabric8 HTTP clients whose requests go to this process's {@link ApiRouter} instead of a socket:
 * the transport of the server's own components (controllers, node agent, proxy, DNS).
 *
 * <p>Why: over HTTPS each watch event was encrypted by the server and decrypted, unframed and
 * handed through the JDK HTTP client's selector and subscriber chain by the component, on the same
 * two cores that serve the requests; the component's JSON decoding, which remains, was the smaller
 * part. kube-aggregator serves the APIs of its own process the same way, through the delegate
 * handler rather than the network. Agents on other machines and every outside client still speak
 * HTTPS.
 */
public final class LoopbackHttpClientFactory implements HttpClient.Factory {
    private final ApiRouter router;

    public LoopbackHttpClientFactory(ApiRouter router) {
        this.router = router;
    }

    @Override
    public LoopbackHttpClientBuilder newBuilder() {
        return new LoopbackHttpClientBuilder(this);
    }

    ApiRouter router() {
        return router;
    }
}
