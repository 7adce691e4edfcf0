package io.drover.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sockets the proxy listens on, opened and closed as Services come and go. Closing a listener
 * stops new connections only; connections already relayed run on. Changed from the sync thread only.
 */
final class Listeners implements AutoCloseable {
    private final Transport transport;
    private final Duration udpIdleTimeout;
    /** Concurrent only so that {@link #keys()} (tests' view of what is served) can be read from outside the sync thread. */
    private final Map<ListenerKey, Channel> open = new ConcurrentHashMap<>();

    Listeners(Transport transport, Duration udpIdleTimeout) {
        this.transport = transport;
        this.udpIdleTimeout = udpIdleTimeout;
    }

    Set<ListenerKey> keys() {
        return Set.copyOf(open.keySet());
    }

    /**
     * Listens on this socket unless it already does; the backends are looked up per connection.
     *
     * @throws UncheckedIOException when the socket cannot be bound (address in use, not local)
     */
    void ensure(ListenerKey key, Supplier<Backends> backends) {
        if (open.containsKey(key)) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(key.address(), key.port());
        ChannelFuture bound = "UDP".equals(key.protocol())
                ? new Bootstrap().group(transport.group()).channel(transport.datagramChannel())
                        .option(ChannelOption.RCVBUF_ALLOCATOR, UdpRelay.wholeDatagrams())
                        .handler(new UdpRelay(backends, transport.datagramChannel(), udpIdleTimeout))
                        .bind(address)
                : new ServerBootstrap().group(transport.group()).channel(transport.serverChannel())
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel child) {
                                child.pipeline().addLast(new TcpFrontend(backends, transport.socketChannel()));
                            }
                        })
                        .bind(address);
        if (!bound.awaitUninterruptibly().isSuccess()) {
            // Netty's bind failure is a checked IOException thrown undeclared; callers get it declared.
            throw new UncheckedIOException(key + ": " + bound.cause().getMessage(),
                    bound.cause() instanceof IOException io ? io : new IOException(bound.cause()));
        }
        open.put(key, bound.channel());
    }

    void close(ListenerKey key) {
        Channel channel = open.remove(key);
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        Set.copyOf(open.keySet()).forEach(this::close);
    }
}
