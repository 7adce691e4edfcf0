package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** kubelet's tcpSocket probe (pkg/probe/tcp): passes when a connection opens within the timeout. */
final class TcpSocketProber {
    private final ProbePorts ports;

    TcpSocketProber(ProbePorts ports) {
        this.ports = ports;
    }

    ProbeResult probe(ProbeTarget target, TCPSocketAction action, Duration timeout) {
        int port;
        try {
            port = ports.resolve(target.pod(), target.container(), action.getPort());
        } catch (IllegalArgumentException e) {
            return ProbeResult.error(e.getMessage());
        }
        String host = action.getHost() == null || action.getHost().isEmpty() ? target.podIp() : action.getHost();
        String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return ProbeResult.success("");
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("dial tcp " + address + ": i/o timeout");
        } catch (ConnectException e) {
            return ProbeResult.failure("dial tcp " + address + ": connect: " + HttpGetProber.lower(e.getMessage()));
        } catch (IOException | IllegalArgumentException e) {
            return ProbeResult.failure("dial tcp " + address + ": " + e.getMessage());
        }
    }
}
