package io.drover.proxy;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend of a Service port (node IP, allocated host port), with the connections this proxy has
 * open to it; the count feeds least-connections and lives as long as the endpoint stays listed.
 */
final class Endpoint {
    private final InetSocketAddress address;
    private final AtomicInteger connections = new AtomicInteger();

    Endpoint(InetSocketAddress address) {
        this.address = address;
    }

    InetSocketAddress address() {
        return address;
    }

    int connections() {
        return connections.get();
    }

    void opened() {
        connections.incrementAndGet();
    }

    void closed() {
        connections.decrementAndGet();
    }

    @Override
    public String toString() {
        return address.getHostString() + ":" + address.getPort();
    }
}
