package io.drover.agent.ports;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Whether a host port is free right now. */
@FunctionalInterface
public interface PortProbe {

    boolean isFree(int port, String protocol);

    /**
     * Binds the port on 0.0.0.0 and lets it go: a port some process listens on, on any address,
     * refuses the bind. SCTP cannot be tested from Java and is taken as free.
     */
    static PortProbe bindTest() {
        return (port, protocol) -> {
            try {
                switch (protocol) {
                    case "TCP" -> {
                        try (ServerSocket socket = new ServerSocket()) {
                            socket.bind(new InetSocketAddress("0.0.0.0", port));
                        }
                    }
                    case "UDP" -> {
                        try (DatagramSocket socket = new DatagramSocket(null)) {
                            socket.bind(new InetSocketAddress("0.0.0.0", port));
                        }
                    }
                    default -> {
                        // SCTP: no probe available
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        };
    }
}
