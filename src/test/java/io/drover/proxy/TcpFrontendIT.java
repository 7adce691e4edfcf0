package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How {@link TcpFrontend} connects to a backend that does not answer its SYN at once, between real
 * loopback sockets on every transport this machine can run. A backend whose accept queue is full
 * drops SYNs (Linux, tcp_abort_on_overflow 0), as one does under a spike; the kernel retransmits
 * the SYN at 1 s and 3 s.
 */
class TcpFrontendIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Transport transport;
    private Listeners listeners;
    private final List<AutoCloseable> closers = new ArrayList<>();

    static List<Transport.Kind> transports() {
        return Transport.Kind.available();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable closer : closers.reversed()) {
            closer.close();
        }
        if (listeners != null) {
            listeners.close();
            transport.shutdown();
        }
    }

    /** With no other endpoint to try, the proxy waits out the kernel's SYN retries instead of resetting after 1 s. */
    @ParameterizedTest
    @MethodSource("transports")
    void lastEndpointWhoseAcceptQueueIsFullIsWaitedForNotReset(Transport.Kind kind) throws Exception {
        ServerSocket slow = fullBackend();
        InetSocketAddress service = proxy(kind, slow);
        answerFrom(slow, "slow", Duration.ofMillis(2500));
        long start = System.nanoTime();
        assertThat(request(service)).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
    }

    /** With another endpoint left, a connect not answered within 1 s still goes there. */
    @ParameterizedTest
    @MethodSource("transports")
    void endpointThatDoesNotAnswerIsLeftAfterASecondForAnother(Transport.Kind kind) throws Exception {
        ServerSocket silent = fullBackend();
        ServerSocket ready = new ServerSocket(0, 50, LOOPBACK);
        closers.add(ready);
        answerFrom(ready, "ready", Duration.ZERO);
        InetSocketAddress service = proxy(kind, silent, ready);
        // Round robin starts with one or the other; two requests meet the silent one first at least once.
        for (int i = 0; i < 2; i++) {
            assertThat(request(service)).isEqualTo("ready");
        }
    }

    private InetSocketAddress proxy(Transport.Kind kind, ServerSocket... endpoints) throws IOException {
        transport = Transport.create(kind, 1);
        listeners = new Listeners(transport, Duration.ofSeconds(60));
        Backends backends = new Backends(Clock.systemUTC());
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (ServerSocket endpoint : endpoints) {
            addresses.add(new InetSocketAddress(LOOPBACK, endpoint.getLocalPort()));
        }
        backends.update(addresses);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            port = free.getLocalPort();
        }
        listeners.ensure(new ListenerKey(LOOPBACK, port, "TCP"), () -> backends);
        return new InetSocketAddress(LOOPBACK, port);
    }

    /** A backend that accepts nothing yet, its accept queue filled by connections of the test's own. */
    private ServerSocket fullBackend() throws IOException {
        ServerSocket backend = new ServerSocket(0, 1, LOOPBACK);
        closers.add(backend);
        for (int i = 0; i < 10; i++) {
            Socket filler = new Socket();
            closers.add(filler);
            try {
                filler.connect(backend.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException full) {
                return backend; // the kernel dropped this SYN: the queue is full
            }
        }
        throw new IllegalStateException("the accept queue of a backlog-1 socket did not fill up");
    }

    /** After {@code delay}, accepts every connection and answers it with {@code name}. */
    private void answerFrom(ServerSocket backend, String name, Duration delay) {
        Thread thread = Thread.ofPlatform().name("tcp-frontend-it-" + name).start(() -> {
            try {
                Thread.sleep(delay);
                while (true) {
                    try (Socket socket = backend.accept()) {
                        OutputStream out = socket.getOutputStream();
                        out.write(("HTTP/1.0 200 OK\r\n\r\n" + name).getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the backend was closed: the test is over
            }
        });
        closers.add(() -> {
            backend.close();
            thread.join(10_000);
        });
    }

    /** One request on a connection of its own; the body of the answer, or what came instead. */
    private static String request(InetSocketAddress service) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(service, 2000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(REQUEST);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? "no answer: '" + response + "'" : response.substring(body + 4);
        }
    }
}
