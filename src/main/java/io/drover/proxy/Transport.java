package io.drover.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's one event loop group and the channel classes that go with it.
 *
 * <p>The best transport the kernel allows: io_uring (one submission per loop turn for all the
 * reads and writes it found, no readiness round trip), then native epoll, then NIO. On a 2-core
 * node io_uring with one loop relayed about 10% more requests per second than HAProxy with two
 * threads at a lower p99, where epoll with two loops kept HAProxy's throughput but tripled its p99
 * (docs/BENCHMARKS.md). The proxy shares the node with the pods it serves, so it takes half the
 * cores, at least one.
 */
record Transport(Kind kind, int loops, EventLoopGroup group, Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    enum Kind {
        IO_URING("io_uring"), EPOLL("epoll"), NIO("NIO");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Whether this kernel and its native library can run this transport. */
        boolean isAvailable() {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable();
                case EPOLL -> Epoll.isAvailable();
                case NIO -> true;
            };
        }

        /** The transports this machine can run, best first. */
        static List<Kind> available() {
            return Arrays.stream(values()).filter(Kind::isAvailable).toList();
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * The best transport that starts here. A kernel can offer io_uring and still refuse the loops'
     * rings (before Linux 5.12 their memory counts against RLIMIT_MEMLOCK), so a transport whose
     * group fails to start gives way to the next.
     */
    static Transport create() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        List<Kind> kinds = Kind.available();
        for (Kind kind : kinds.subList(0, kinds.size() - 1)) {
            try {
                return create(kind, threads);
            } catch (RuntimeException e) {
                log.warn("the {} transport did not start ({}); trying the next", kind, e.toString());
            }
        }
        return create(kinds.getLast(), threads);
    }

    static Transport create(Kind kind, int threads) {
        if (!kind.isAvailable()) {
            throw new IllegalStateException("the " + kind + " transport is not available here");
        }
        return switch (kind) {
            case IO_URING -> new Transport(kind, threads, group(threads, IoUringIoHandler.newFactory()),
                    IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringDatagramChannel.class);
            case EPOLL -> new Transport(kind, threads, group(threads, EpollIoHandler.newFactory()),
                    EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class);
            case NIO -> new Transport(kind, threads, group(threads, NioIoHandler.newFactory()),
                    NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
        };
    }

    private static EventLoopGroup group(int threads, IoHandlerFactory handlers) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("service-proxy", true), handlers);
    }

    void shutdown() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
