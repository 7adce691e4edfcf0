package io.drover.agent.streaming;

import java.nio.ByteBuffer;

/**
 * The channel framing of the {@code channel.k8s.io} family: every binary WebSocket message starts
 * with one byte naming the stream, the rest is that stream's data. The numbers follow the POSIX
 * descriptors for 0-2 (k8s.io/apimachinery/pkg/util/remotecommand/constants.go).
 */
public final class Channels {
    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    /** The end of the command: one {@code metav1.Status} JSON document. */
    public static final int ERROR = 3;
    /** Terminal size changes: {@code {"Width":w,"Height":h}}. */
    public static final int RESIZE = 4;
    /** v5 only: {@code [255, n]} means the sender will write nothing more on channel n. */
    public static final int CLOSE = 255;

    private Channels() {}

    /** One message carrying {@code length} bytes of {@code data} from {@code offset} on {@code channel}. */
    public static ByteBuffer frame(int channel, byte[] data, int offset, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length + 1);
        frame.put((byte) channel).put(data, offset, length).flip();
        return frame;
    }

    public static ByteBuffer frame(int channel, byte[] data) {
        return frame(channel, data, 0, data.length);
    }

    /** A message as the receiver sees it: the channel and the payload (a read-only view). */
    public record Message(int channel, ByteBuffer payload) {

        /**
         * Splits a received message; empty messages carry nothing and are skipped by Kubernetes, so
         * they give {@code null}.
         */
        public static Message parse(ByteBuffer message) {
            if (!message.hasRemaining()) {
                return null;
            }
            ByteBuffer view = message.slice();
            int channel = Byte.toUnsignedInt(view.get());
            return new Message(channel, view.slice().asReadOnlyBuffer());
        }

        /** The payload's bytes. */
        public byte[] bytes() {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            return bytes;
        }
    }
}
