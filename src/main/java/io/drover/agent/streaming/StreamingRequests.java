package io.drover.agent.streaming;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.json.Mappers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** What the node's streaming endpoints (exec, port-forward) share in reading requests and refusing them. */
public final class StreamingRequests {
    private StreamingRequests() {}

    /** {@code Upgrade: websocket} with {@code Connection: upgrade}, as Kubernetes' wsstream checks. */
    public static boolean isWebSocketUpgrade(Request request) {
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket")
                && request.getHeaders().getCSV(HttpHeader.CONNECTION, false).stream()
                        .anyMatch(token -> token.equalsIgnoreCase("upgrade"));
    }

    /** The query parameters, each with all its values. */
    public static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Fields.Field field : Request.extractQueryParameters(request)) {
            query.put(field.getName(), field.getValues());
        }
        return query;
    }

    /**
     * Answers a {@code metav1.Status}, which the API server passes through and client-go reduces to
     * its message.
     *
     * @return true, for a handler's {@code handle} to return
     */
    public static boolean refuse(Response response, Callback callback, int code, String reason, String message) {
        ObjectNode status = Mappers.json().createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(status.toString().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
