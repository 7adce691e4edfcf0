package io.drover.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The handler of a UDP Service port's listening socket. Each client address gets a session: a
 * socket connected to one endpoint, whose replies go back to that client from the Service address.
 * A session that carries nothing either way for the idle timeout is closed, as conntrack forgets a
 * UDP flow; the next datagram from that client picks an endpoint anew.
 */
final class UdpRelay extends SimpleChannelInboundHandler<DatagramPacket> {
    /**
     * The largest datagram a UDP socket can be handed (an IPv4 packet's 65,535 bytes less its headers
     * is 65,507; 65,535 covers any). Netty's datagram channels read into 2,048-byte buffers unless
     * told otherwise and cut what is longer without a word, so every UDP channel of the proxy reads
     * with this, as the kernel's DNAT of kube-proxy passes any datagram unchanged. The buffer comes
     * from Netty's pooled allocator and goes back to it once the datagram is written on.
     */
    static final int MAX_DATAGRAM = 65_535;

    /** The receive allocator every UDP channel of the proxy is opened with ({@link #MAX_DATAGRAM}). */
    static RecvByteBufAllocator wholeDatagrams() {
        return new FixedRecvByteBufAllocator(MAX_DATAGRAM);
    }

    private final Supplier<Backends> backends;
    private final Class<? extends DatagramChannel> channelClass;
    private final Duration idleTimeout;
    private final Map<InetSocketAddress, ChannelFuture> sessions = new ConcurrentHashMap<>();

    UdpRelay(Supplier<Backends> backends, Class<? extends DatagramChannel> channelClass, Duration idleTimeout) {
        super(false);
        this.backends = backends;
        this.channelClass = channelClass;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress client = packet.sender();
        ChannelFuture existing = sessions.get(client);
        ChannelFuture session = existing != null ? existing : open(ctx.channel(), client);
        if (session == null) {
            packet.release();
            return;
        }
        session.addListener(opened -> {
            if (opened.isSuccess()) {
                session.channel().writeAndFlush(packet.content());
            } else {
                packet.release();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The Service port is gone: its sessions end with it instead of idling out.
        sessions.values().forEach(session -> session.channel().close());
        ctx.fireChannelInactive();
    }

    private ChannelFuture open(Channel listener, InetSocketAddress client) {
        Backends current = backends.get();
        Endpoint endpoint = current == null ? null : current.pick(client.getAddress(), Set.of());
        if (endpoint == null) {
            return null;
        }
        ChannelFuture connected = new Bootstrap()
                .group(listener.eventLoop())
                .channel(channelClass)
                .option(ChannelOption.RCVBUF_ALLOCATOR, wholeDatagrams())
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                        channel.pipeline().addLast(
                                new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                new Replies(listener, client));
                    }
                })
                .connect(endpoint.address());
        endpoint.opened();
        connected.channel().closeFuture().addListener(closed -> {
            endpoint.closed();
            sessions.remove(client, connected);
        });
        sessions.put(client, connected);
        return connected;
    }

    /** Sends a session's replies from the backend back to its client. */
    private static final class Replies extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Channel listener;
        private final InetSocketAddress client;

        Replies(Channel listener, InetSocketAddress client) {
            super(false);
            this.listener = listener;
            this.client = client;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            listener.writeAndFlush(new DatagramPacket(reply.content(), client));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP port unreachable from a gone endpoint: end the session, the next datagram picks anew.
            ctx.close();
        }
    }
}
