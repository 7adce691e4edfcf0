package io.drover.proxy;

import java.net.InetAddress;

/**
 * One socket the proxy listens on: a ClusterIP, 0.0.0.0 for a NodePort, or an external IP or load
 * balancer ingress IP of this node; a port; TCP or UDP.
 */
record ListenerKey(InetAddress address, int port, String protocol) {
    @Override
    public String toString() {
        return address.getHostAddress() + ":" + port + "/" + protocol;
    }
}
