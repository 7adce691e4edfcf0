package io.drover.proxy;

import io.netty.channel.EventLoopGroup;
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
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The proxy's one event loop group, sized to the cores, and the channel classes that go with it:
 * native epoll where its library loads (fewer copies and syscalls than NIO), NIO elsewhere.
 */
record Transport(EventLoopGroup group, Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {

    static Transport create() {
        int threads = Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("service-proxy", true);
        if (Epoll.isAvailable()) {
            return new Transport(new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory()),
                    EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class);
        }
        return new Transport(new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory()),
                NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
    }

    boolean nativeEpoll() {
        return serverChannel == EpollServerSocketChannel.class;
    }

    void shutdown() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
