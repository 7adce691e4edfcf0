package io.drover.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A 200 answer's body that is held in memory up to a threshold and sent whole with its length
 * ({@link #finish}); past the threshold the answer becomes a stream and what was held goes out
 * first. Small answers keep a Content-Length and one write; large ones never need their whole body
 * in memory. Until it spills nothing is sent, so a failure can still be answered with a Status.
 */
final class SpillingResponseStream extends OutputStream {
    private final ApiResponse response;
    private final String contentType;
    private final int threshold;
    private ByteArrayOutputStream held = new ByteArrayOutputStream();
    private OutputStream stream;

    SpillingResponseStream(ApiResponse response, String contentType, int threshold) {
        this.response = response;
        this.contentType = contentType;
        this.threshold = threshold;
    }

    /** Whether the answer has started to go out, so that it can no longer become an error. */
    boolean spilled() {
        return stream != null;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (stream == null && held.size() + length > threshold) {
            stream = response.stream(200, contentType);
            held.writeTo(stream);
            held = null;
        }
        if (stream != null) {
            stream.write(bytes, offset, length);
        } else {
            held.write(bytes, offset, length);
        }
    }

    @Override
    public void flush() {
        // Held bytes wait for finish(); a spilled stream is flushed when it is closed.
    }

    /** Sends the answer whole if it never spilled, or ends the stream. */
    void finish() throws IOException {
        if (stream == null) {
            response.send(200, contentType, held.toByteArray());
        } else {
            stream.close();
        }
    }
}
