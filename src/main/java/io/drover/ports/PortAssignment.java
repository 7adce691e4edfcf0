package io.drover.ports;

/**
 * One declared containerPort of a pod and the host port its process listens on.
 *
 * @param containerPort the port the pod spec declares
 * @param protocol TCP, UDP or SCTP
 * @param name the port's name in the spec, or "" when it has none
 * @param hostPort the port on the node's addresses: allocated from the agent's range, or the
 *     spec's explicit hostPort
 */
public record PortAssignment(int containerPort, String protocol, String name, int hostPort) {

    public PortAssignment {
        checkPort("containerPort", containerPort);
        checkPort("hostPort", hostPort);
        if (protocol == null || protocol.isEmpty()) {
            throw new IllegalArgumentException("protocol: '" + protocol + "' (expected: TCP, UDP or SCTP)");
        }
        name = name == null ? "" : name;
    }

    /** Whether this is the assignment of {@code containerPort}/{@code protocol}. */
    public boolean isFor(int port, String proto) {
        return containerPort == port && protocol.equals(proto);
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + ": " + port + " (expected: 1-65535)");
        }
    }
}
