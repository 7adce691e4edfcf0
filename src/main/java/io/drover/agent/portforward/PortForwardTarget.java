package io.drover.agent.portforward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.IntUnaryOperator;

/**
 * A pod that port-forward connections go to. The kubelet dials {@code localhost:<port>} inside the
 * pod's network namespace; a process pod shares the node's network and listens on the host port
 * the agent gave its containerPort, so this dials the loopback address at that host port (IPv4,
 * then IPv6, as containerd does).
 *
 * @param name {@code namespace/name}, for messages
 * @param uid the pod's uid, for messages
 * @param hostPort the host port a containerPort is reached at (a port the pod does not declare is
 *     itself, as the process chose it)
 */
public record PortForwardTarget(String name, String uid, IntUnaryOperator hostPort) {
    /**
     * A blocking connection to {@code port} of the pod.
     *
     * @throws IOException with the message the client is shown, in the kubelet's words
     */
    public SocketChannel connect(int port) throws IOException {
        int reached = hostPort.applyAsInt(port);
        IOException v4;
        try {
            return SocketChannel.open(new InetSocketAddress("127.0.0.1", reached));
        } catch (IOException e) {
            v4 = e;
        }
        try {
            return SocketChannel.open(new InetSocketAddress("::1", reached));
        } catch (IOException v6) {
            String where = reached == port ? "localhost:" + port : "localhost:" + port + " (host port " + reached + ")";
            throw new IOException(failure(Integer.toString(port), "failed to connect to " + where + ", IPv4: "
                    + v4.getMessage() + " IPv6: " + v6.getMessage()), v4);
        }
    }

    /** The kubelet's message for a forward that failed. */
    public String failure(String port, String why) {
        return "error forwarding port " + port + " to pod " + name + ", uid " + uid + ": " + why;
    }
}
