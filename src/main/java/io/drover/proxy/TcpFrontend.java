package io.drover.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One client connection to a Service port: connects to an endpoint on the client's own event loop
 * (no thread hand-off on the data path), tries the next endpoint when a connect fails (refused, or
 * not answered within 1 s while another endpoint is left; the last one left gets the kernel's whole
 * SYN retry time), and then relays both ways ({@link Relay}). The client is not read from until a
 * backend is connected (both sides start with auto-read off and turn it on then); what the
 * transport delivers before that (data, or the client's FIN) is kept and passed on once it is.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {
    /** How long a connect may take while another endpoint is left to try. */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;
    /**
     * How long the connect to the last endpoint left may take: no bound of the proxy's own (Netty's
     * 0), so the kernel gives up after its SYN retries (net.ipv4.tcp_syn_retries, by default 6
     * retransmissions at 1, 3, 7, ... s: about 127 s), as it would for the client's own connect
     * through kube-proxy's DNAT, which sets no timeout either. A backend whose accept queue is full
     * under a spike drops SYNs; the retransmission a second or three later gets in, where a reset
     * after 1 s made that latency an error (fuzz round 25 #5). The client's own timeouts still apply.
     * A client that leaves meanwhile goes unnoticed (it is not read until a backend is connected), so
     * the attempt runs on, holding a socket and counting for least-connections, until it ends.
     */
    static final int LAST_CONNECT_TIMEOUT_MILLIS = 0;
    static final int MAX_ATTEMPTS = 5;

    private final Supplier<Backends> backends;
    private final Class<? extends SocketChannel> channelClass;
    private final Set<Endpoint> tried = new HashSet<>();
    private final List<Object> early = new ArrayList<>();
    private boolean earlyInputShutdown;
    private Channel outbound;

    TcpFrontend(Supplier<Backends> backends, Class<? extends SocketChannel> channelClass) {
        this.backends = backends;
        this.channelClass = channelClass;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connect(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (outbound == null) {
            early.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (outbound == null && event instanceof ChannelInputShutdownEvent) {
            earlyInputShutdown = true;
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        ctx.fireChannelInactive();
    }

    private void connect(Channel inbound) {
        Backends current = backends.get();
        InetSocketAddress client = (InetSocketAddress) inbound.remoteAddress();
        Endpoint endpoint = tried.size() >= MAX_ATTEMPTS || current == null
                ? null : current.pick(client.getAddress(), tried);
        if (endpoint == null) {
            // No endpoint (left): the client sees its connection closed, as with kube-proxy's REJECT.
            releaseEarly();
            inbound.close();
            return;
        }
        tried.add(endpoint);
        boolean last = tried.size() >= MAX_ATTEMPTS || !current.hasOtherThan(tried);
        endpoint.opened();
        Runnable release = once(endpoint::closed);
        Bootstrap bootstrap = new Bootstrap()
                .group(inbound.eventLoop())
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, last ? LAST_CONNECT_TIMEOUT_MILLIS : CONNECT_TIMEOUT_MILLIS)
                .handler(new EndpointDone(release, new Relay(inbound)));
        bootstrap.connect(endpoint.address()).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                release.run();
                if (inbound.isActive()) {
                    connect(inbound);
                } else {
                    releaseEarly();
                }
                return;
            }
            Channel connected = future.channel();
            connected.closeFuture().addListener(closed -> release.run());
            if (!inbound.isActive()) {
                releaseEarly();
                connected.close();
                return;
            }
            outbound = connected;
            // From here on every read goes straight to the relay, one handler fewer per message.
            inbound.pipeline().remove(this);
            inbound.pipeline().addLast(new Relay(outbound));
            if (!early.isEmpty()) {
                early.forEach(inbound.pipeline()::fireChannelRead);
                early.clear();
                inbound.pipeline().fireChannelReadComplete();
            }
            if (earlyInputShutdown) {
                inbound.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            } else {
                inbound.config().setAutoRead(true);
            }
            outbound.config().setAutoRead(true);
        });
    }

    private void releaseEarly() {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    /**
     * Counts a backend connection as finished once the backend has stopped sending (its FIN), not
     * only when the socket closes: least-connections should not see a connection whose client is
     * still reading the last bytes as load on the endpoint.
     */
    private static final class EndpointDone extends ChannelInboundHandlerAdapter {
        private final Runnable release;
        private final Relay relay;

        EndpointDone(Runnable release, Relay relay) {
            this.release = release;
            this.relay = relay;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter(ctx.name(), null, relay);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                release.run();
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
