package io.drover.proxy;

import java.net.InetAddress;

/** One socket the proxy listens on: a ClusterIP (or 0.0.0.0 for a NodePort), a port and TCP or UDP. */
record ListenerKey(InetAddress address, int port, String protocol) {
    @Override
    public String toString() {
        return address.getHostAddress() + ":" + port + "/" + protocol;
    }
}
