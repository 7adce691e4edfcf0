package io.drover.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Copies what one side reads to the other side, unchanged and without copying the buffers; the
 * next read is asked for only once the write has gone out, so a slow reader slows its writer down
 * instead of filling memory (auto-read off on both sides: Netty's HexDumpProxy pattern).
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                // Not after this side's FIN: epoll no longer watches a shut input and fails the read.
                if (!(ctx.channel() instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
                    ctx.channel().read();
                }
            } else {
                future.channel().close();
                ctx.channel().close();
            }
        });
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
