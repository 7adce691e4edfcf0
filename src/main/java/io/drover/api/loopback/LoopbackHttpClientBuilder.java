package io.drover.api.loopback;

import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds {@link LoopbackHttpClient}s. TLS, proxy and connect-timeout settings have nothing to act
 * on and are ignored; interceptors (the bearer token) and request tags apply as for any client.
 */
public final class LoopbackHttpClientBuilder
        extends StandardHttpClientBuilder<LoopbackHttpClient, LoopbackHttpClientFactory, LoopbackHttpClientBuilder> {

    LoopbackHttpClientBuilder(LoopbackHttpClientFactory factory) {
        super(factory);
    }

    @Override
    public LoopbackHttpClient build() {
        if (client != null) {
            // A derived client (fabric8 derives one per informer and per operation with its own
            // settings) shares its parent's lifetime, as the JDK client's derived clients do.
            return new LoopbackHttpClient(this, client.getClosed(), client.openExchanges());
        }
        Set<LoopbackExchange> open = ConcurrentHashMap.newKeySet();
        return new LoopbackHttpClient(this, new AtomicBoolean(), open);
    }

    @Override
    protected LoopbackHttpClientBuilder newInstance(LoopbackHttpClientFactory factory) {
        return new LoopbackHttpClientBuilder(factory);
    }
}
