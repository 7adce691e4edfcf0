package io.drover.api.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * A watch event as the line a watch stream carries: JSON with every character beyond ASCII written as a
 * {@code \\uXXXX} escape (the same JSON to any decoder).
 *
 * <p>Why: fabric8's HTTP watch (the in-process clients' transport, and any client with {@code onlyHttpWatches} or
 * behind a proxy that refuses WebSockets) splits the stream into lines through {@code UTF_8.decode(chunk).array()},
 * the decoder's whole buffer, which is longer than the text whenever a chunk holds a multi-byte character; the NULs
 * left at its end were glued to the next event, which failed to parse, and fabric8's informer stopped for good. One
 * accented annotation stopped the server's own scheduler, node agent, proxy and controllers. ASCII text decodes to
 * exactly one char per byte. Over a WebSocket the same ASCII text is each message's.
 */
final class WatchEvents {
    private WatchEvents() {}

    /** The writer of watch event lines for {@code json}'s settings; keep it, it is immutable. */
    static ObjectWriter writer(ObjectMapper json) {
        return json.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
    }
}
