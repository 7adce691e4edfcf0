package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TCP data path alone (a listener, {@link TcpFrontend} and {@link Relay} on the proxy's
 * transport) between real loopback sockets: that many small exchanges on one connection each go
 * out at once, and that a client that does not read holds its backend back instead of filling the
 * proxy's memory. On every transport this machine can run (io_uring, epoll, NIO), since the proxy
 * picks the best one the kernel allows.
 */
class RelayIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Transport transport;
    private Listeners listeners;
    private ServerSocket backend;
    private Thread backendThread;
    private InetSocketAddress proxied;

    static List<Transport.Kind> transports() {
        return Transport.Kind.available();
    }

    private void startProxy(Transport.Kind kind) throws IOException {
        transport = Transport.create(kind, 1);
        listeners = new Listeners(transport, Duration.ofSeconds(60));
        backend = new ServerSocket(0, 50, LOOPBACK);
        Backends backends = new Backends(Clock.systemUTC());
        backends.update(List.of(new InetSocketAddress(LOOPBACK, backend.getLocalPort())));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            port = free.getLocalPort();
        }
        listeners.ensure(new ListenerKey(LOOPBACK, port, "TCP"), () -> backends);
        proxied = new InetSocketAddress(LOOPBACK, port);
    }

    @AfterEach
    void stopProxy() throws Exception {
        if (transport == null) {
            return;
        }
        backend.close();
        if (backendThread != null) {
            backendThread.interrupt();
            backendThread.join(10_000);
        }
        listeners.close();
        transport.shutdown();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void eachSmallExchangeOnOneConnectionGoesOutAtOnce(Transport.Kind kind) throws Exception {
        startProxy(kind);
        serveBackend(socket -> {
            // An echo server: what arrives goes back as it arrives.
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        });
        try (Socket client = new Socket(proxied.getAddress(), proxied.getPort())) {
            client.setSoTimeout(5000);
            client.setTcpNoDelay(true);
            byte[] request = new byte[100];
            for (int i = 0; i < 2000; i++) {
                request[0] = (byte) i;
                client.getOutputStream().write(request);
                // Each answer must arrive without another write to push it out: a relay that left
                // a read burst unflushed would make this block until the 5 s timeout.
                assertThat(client.getInputStream().readNBytes(request.length)).isEqualTo(request);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientThatDoesNotReadHoldsTheBackendBack(Transport.Kind kind) throws Exception {
        startProxy(kind);
        long total = 256L << 20;
        AtomicLong written = new AtomicLong();
        serveBackend(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 << 10];
            for (long sent = 0; sent < total; sent += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) ((sent + i) % 251);
                }
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            socket.shutdownOutput();
            socket.getInputStream().read(); // until the client closes
        });
        try (Socket client = new Socket(proxied.getAddress(), proxied.getPort())) {
            client.setSoTimeout(10_000);
            // Not reading: the backend writes until the socket buffers on the way and the proxy's
            // write buffer (its high water mark) are full, then blocks.
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = written.get();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled;
            });
            assertThat(written.get()).as("bytes the backend got rid of while the client read none")
                    .isLessThan(total / 4);

            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 << 10];
            long received = 0;
            for (int n; (n = in.read(buffer)) > 0; received += n) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != (byte) ((received + i) % 251)) {
                        throw new AssertionError("byte " + (received + i) + " differs");
                    }
                }
            }
            assertThat(received).isEqualTo(total);
        }
    }

    private interface Connection {
        void serve(Socket socket) throws IOException;
    }

    /** Serves one connection on the backend socket in a thread of the test. */
    private void serveBackend(Connection connection) {
        backendThread = Thread.ofPlatform().name("relay-it-backend").start(() -> {
            try (Socket socket = backend.accept()) {
                connection.serve(socket);
            } catch (IOException e) {
                // the test ended the connection or closed the backend
            }
        });
    }
}
