package io.drover.agent.streaming;

import static io.drover.agent.streaming.StreamingRequests.refuse;

import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * A node endpoint that upgrades to a WebSocket, kubelet-style: {@code GET|POST <prefix><segment>/...}
 * with a fixed number of path segments. It declines (returns false) for every other path, so it can
 * sit in a handler sequence; a wrong number of segments is 404 and another method 405, as Status
 * JSON. Mount it in the node's HTTPS server (behind its authentication) before the server starts.
 */
public abstract class StreamingEndpoint extends Handler.Abstract {
    private final String prefix;
    private final int segments;
    private final String shape;
    private ServerWebSocketContainer websockets;

    /**
     * @param prefix the path it serves, e.g. {@code /exec/}
     * @param segments how many path segments follow the prefix
     * @param shape the path's shape, for the 404's message
     */
    protected StreamingEndpoint(String prefix, int segments, String shape) {
        this.prefix = prefix;
        this.segments = segments;
        this.shape = shape;
    }

    @Override
    protected void doStart() throws Exception {
        websockets = ServerWebSocketContainer.ensure(getServer());
        super.doStart();
    }

    /** The server's WebSocket container, to upgrade with; set once started. */
    protected ServerWebSocketContainer websockets() {
        return websockets;
    }

    @Override
    public final boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(prefix)) {
            return false;
        }
        List<String> parts = Arrays.stream(path.substring(prefix.length()).split("/"))
                .filter(s -> !s.isEmpty()).toList();
        if (parts.size() != segments) {
            return refuse(response, callback, HttpStatus.NOT_FOUND_404, "NotFound", "expected " + shape);
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("POST")) {
            return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource");
        }
        return serve(request, response, callback, parts);
    }

    /** Serves a request whose path has the endpoint's segments ({@code parts}); returns true. */
    protected abstract boolean serve(Request request, Response response, Callback callback, List<String> parts)
            throws Exception;
}
