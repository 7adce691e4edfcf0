package io.drover.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Copies what one side reads to the other side, unchanged and without copying the buffers.
 *
 * <p>Both sides read on their own (auto-read) and a read burst goes out with one flush when it
 * ends; writes carry no promise, so relaying a message allocates nothing beyond its buffer (a
 * failed write reaches the writing side's {@link #exceptionCaught}, which closes it, and its
 * channelInactive then closes this side). Back-pressure follows the peer's writability: once the
 * peer holds more unsent bytes than its high water mark this side stops reading, and when the
 * peer has drained below the low mark it reads again. Netty's HexDumpProxy instead asks for each
 * read after the previous write went out, which costs a promise, a listener and an epoll
 * interest change per message and held the proxy below HAProxy's throughput
 * (docs/BENCHMARKS.md, "Service proxy benchmark").
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private boolean wrote;

    Relay(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg, peer.voidPromise());
        wrote = true;
        if (!peer.isWritable()) {
            // Stop reading before the flush: a flush that drains the peer below its low water mark
            // announces that at once (channelWritabilityChanged), and that must find reading off.
            ctx.channel().config().setAutoRead(false);
            wrote = false;
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            peer.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** This side drained below its low water mark: its peer, held back while it was full, reads again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Not after the peer's FIN: epoll no longer watches a shut input and fails the read.
        if (ctx.channel().isWritable() && !(peer instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * A side that finished sending (FIN, half-close allowed on both sides) has its peer's output
     * shut after what is pending went out, so a client that shuts its output still gets the
     * response; once both directions are shut, both channels close.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && peer instanceof DuplexChannel duplexPeer) {
            duplexPeer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
                if (!flushed.isSuccess()) {
                    ctx.channel().close();
                    duplexPeer.close();
                    return;
                }
                duplexPeer.shutdownOutput().addListener(shut -> {
                    if (!shut.isSuccess() || duplexPeer.isInputShutdown()) {
                        ctx.channel().close();
                        duplexPeer.close();
                    }
                });
            });
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeOnFlush(ctx.channel());
    }

    /** Closes a channel after what was written to it has gone out. */
    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
