package io.drover.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One client connection to a Service port: connects to an endpoint on the client's own event loop
 * (no thread hand-off on the data path), tries the next endpoint when a connect fails, and then
 * relays both ways. The client is not read from until a backend is connected.
 */
final class TcpFrontend extends ChannelInboundHandlerAdapter {
    static final int CONNECT_TIMEOUT_MILLIS = 1000;
    static final int MAX_ATTEMPTS = 5;

    private final Supplier<Backends> backends;
    private final Class<? extends SocketChannel> channelClass;
    private final Set<Endpoint> tried = new HashSet<>();

    TcpFrontend(Supplier<Backends> backends, Class<? extends SocketChannel> channelClass) {
        this.backends = backends;
        this.channelClass = channelClass;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connect(ctx.channel());
    }

    private void connect(Channel inbound) {
        Backends current = backends.get();
        InetSocketAddress client = (InetSocketAddress) inbound.remoteAddress();
        Endpoint endpoint = tried.size() >= MAX_ATTEMPTS || current == null
                ? null : current.pick(client.getAddress(), tried);
        if (endpoint == null) {
            // No endpoint (left): the client sees its connection closed, as with kube-proxy's REJECT.
            inbound.close();
            return;
        }
        tried.add(endpoint);
        endpoint.opened();
        Bootstrap bootstrap = new Bootstrap()
                .group(inbound.eventLoop())
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new Relay(inbound));
        bootstrap.connect(endpoint.address()).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                endpoint.closed();
                if (inbound.isActive()) {
                    connect(inbound);
                }
                return;
            }
            Channel outbound = future.channel();
            outbound.closeFuture().addListener(closed -> endpoint.closed());
            if (!inbound.isActive()) {
                outbound.close();
                return;
            }
            inbound.pipeline().addLast(new Relay(outbound));
            inbound.read();
            outbound.read();
        });
    }
}
