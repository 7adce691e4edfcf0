package io.drover.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * The DNS listeners: UDP and TCP on one address and port. The UDP loop answers cluster names
 * inline (an index lookup and an encode, no allocation beyond the message) so one thread keeps up
 * with tens of thousands of queries a second; questions that go upstream are handed to virtual
 * threads so a slow upstream never stalls cluster answers. TCP (RFC 7766: two-byte length prefix,
 * several queries per connection) serves clients that got a truncated UDP answer.
 */
final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final int ANY_PORT_ATTEMPTS = 10;
    private static final Duration TCP_IDLE = Duration.ofSeconds(10);

    private final QueryHandler handler;
    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread udpLoop;
    private final Thread tcpLoop;
    private volatile boolean closed;

    private DnsServer(QueryHandler handler, DatagramChannel udp, ServerSocketChannel tcp) {
        this.handler = handler;
        this.udp = udp;
        this.tcp = tcp;
        this.udpLoop = Thread.ofPlatform().name("dns-udp").daemon().unstarted(this::serveUdp);
        this.tcpLoop = Thread.ofPlatform().name("dns-tcp-accept").daemon().unstarted(this::serveTcp);
    }

    /**
     * Binds UDP and TCP on {@code address} (port 0: a free port, the same for both) and starts
     * answering.
     */
    static DnsServer start(InetSocketAddress address, QueryHandler handler) throws IOException {
        // Port 0 picks a free UDP port, whose number TCP may hold already: then another one is picked.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(address, handler);
            } catch (BindException e) {
                if (address.getPort() != 0 || attempt == ANY_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static DnsServer startOnce(InetSocketAddress address, QueryHandler handler) throws IOException {
        StandardProtocolFamily family = address.getAddress().getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        DatagramChannel udp = DatagramChannel.open(family);
        ServerSocketChannel tcp = null;
        try {
            udp.bind(address);
            int port = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            tcp = ServerSocketChannel.open(family);
            tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            tcp.bind(new InetSocketAddress(address.getAddress(), port), 128);
        } catch (IOException | RuntimeException e) {
            udp.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        DnsServer server = new DnsServer(handler, udp, tcp);
        server.udpLoop.start();
        server.tcpLoop.start();
        return server;
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) udp.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serveUdp() {
        ByteBuffer in = ByteBuffer.allocate(QueryHandler.TCP_MAX);
        while (!closed) {
            try {
                in.clear();
                SocketAddress client = udp.receive(in);
                Message query = QueryHandler.parse(Arrays.copyOf(in.array(), in.position()));
                if (query == null) {
                    continue;
                }
                if (handler.needsForwarding(query)) {
                    workers.execute(() -> answerUdp(query, client));
                } else {
                    answerUdp(query, client);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.debug("DNS over UDP: {}", e.toString());
                }
            }
        }
    }

    private void answerUdp(Message query, SocketAddress client) {
        try {
            udp.send(ByteBuffer.wrap(handler.answer(query, false)), client);
        } catch (IOException e) {
            log.debug("DNS reply to {} failed: {}", client, e.toString());
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                SocketChannel connection = tcp.accept();
                workers.execute(() -> serveConnection(connection));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.debug("DNS over TCP: {}", e.toString());
                }
            }
        }
    }

    private void serveConnection(SocketChannel channel) {
        try (channel; Socket socket = channel.socket()) {
            socket.setSoTimeout((int) TCP_IDLE.toMillis());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] wire = in.readNBytes(length);
                if (wire.length < length) {
                    return;
                }
                Message query = QueryHandler.parse(wire);
                if (query == null) {
                    return;
                }
                byte[] response = handler.answer(query, true);
                out.writeShort(response.length);
                out.write(response);
                out.flush();
            }
        } catch (IOException e) {
            // idle timeout or the client went away: the connection is done
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            udp.close();
            tcp.close();
        } finally {
            workers.shutdownNow();
        }
    }
}
