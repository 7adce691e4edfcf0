package io.drover.agent.portforward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SPDY/3.1 framing, by Netty's codec (framing and the zlib-compressed header blocks with SPDY's
 * dictionary), run outside any network channel: bytes in, frames out, and frames in, bytes out.
 * Each direction has its own codec, since each keeps its own compression state and they are used
 * from different threads; each direction must be used by one thread at a time and in order.
 */
final class SpdyFrames implements AutoCloseable {
    private final EmbeddedChannel inbound = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final EmbeddedChannel outbound = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

    /**
     * The frames completed by {@code bytes}; a frame cut across messages completes with a later
     * call. The caller releases each frame.
     *
     * @throws io.netty.handler.codec.spdy.SpdyProtocolException for bytes that are not SPDY/3.1
     */
    List<SpdyFrame> decode(ByteBuffer bytes) {
        // Copied: the codec may keep a partial frame past the caller's buffer's life.
        inbound.writeInbound(Unpooled.copiedBuffer(bytes));
        List<SpdyFrame> frames = new ArrayList<>();
        for (Object frame; (frame = inbound.readInbound()) != null; ) {
            frames.add((SpdyFrame) frame);
        }
        return frames;
    }

    /** The bytes of {@code frame}, which this releases. */
    ByteBuffer encode(SpdyFrame frame) {
        outbound.writeOutbound(frame);
        List<ByteBuf> parts = new ArrayList<>();
        int size = 0;
        for (Object part; (part = outbound.readOutbound()) != null; ) {
            parts.add((ByteBuf) part);
            size += ((ByteBuf) part).readableBytes();
        }
        byte[] bytes = new byte[size];
        int at = 0;
        for (ByteBuf part : parts) {
            int n = part.readableBytes();
            part.readBytes(bytes, at, n);
            part.release();
            at += n;
        }
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() {
        inbound.finishAndReleaseAll();
        outbound.finishAndReleaseAll();
    }
}
