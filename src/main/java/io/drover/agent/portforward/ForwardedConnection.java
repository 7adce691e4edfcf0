package io.drover.agent.portforward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded TCP connection to a pod. What the client sends is written to the pod's socket on
 * the caller's thread (so a pod that does not read slows the client, not the agent's memory); what
 * the pod sends is pumped to the client by one virtual thread, each chunk sent before the next
 * read. The forward is over when the pod closes its side (or the socket fails), as containerd's
 * ends when its copy from the pod does.
 */
final class ForwardedConnection {
    private static final Logger log = LoggerFactory.getLogger(ForwardedConnection.class);
    private static final int CHUNK = 32 * 1024;

    /** Where the pod's side of the connection goes. */
    interface Output {
        /** Sends the bytes to the client and waits until they are written; false when the client is gone. */
        boolean data(ByteBuffer bytes);

        /** The pod closed the connection, or it failed ({@code error} says how); called once. */
        void end(String error);
    }

    private final SocketChannel socket;
    private final String name;
    private volatile boolean closed;

    private ForwardedConnection(SocketChannel socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    /**
     * Connects to {@code port} of the pod and starts pumping what it sends to {@code output}.
     *
     * @throws IOException with the message for the client when nothing accepts the connection
     */
    static ForwardedConnection open(PortForwardTarget target, int port, Output output) throws IOException {
        ForwardedConnection connection = new ForwardedConnection(target.connect(port), target.name() + ":" + port);
        Thread.ofVirtual().name("port-forward-" + connection.name).start(() -> connection.pump(output));
        return connection;
    }

    private void pump(Output output) {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        String error = null;
        try {
            while (socket.read(buffer.clear()) >= 0) {
                if (buffer.position() > 0 && !output.data(buffer.flip())) {
                    close();
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                error = "error forwarding to " + name + ": " + e.getMessage();
                log.debug("port-forward {}: {}", name, e.toString());
            }
        }
        close();
        output.end(error);
    }

    /** Writes the client's bytes to the pod; a connection the pod closed drops them, as a closed socket would. */
    void write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                socket.write(bytes);
            }
        } catch (IOException e) {
            log.debug("port-forward {}: write failed: {}", name, e.toString());
        }
    }

    /** The client will send nothing more: the pod reads end-of-stream and may still answer. */
    void shutdownInput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("port-forward {}: shutdown failed: {}", name, e.toString());
        }
    }

    /** Closes the socket; the pump then ends without reporting to the client. */
    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("port-forward {}: close failed: {}", name, e.toString());
        }
    }
}
