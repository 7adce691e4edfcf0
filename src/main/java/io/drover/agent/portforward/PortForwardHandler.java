package io.drover.agent.portforward;

import static io.drover.agent.streaming.StreamingRequests.isWebSocketUpgrade;
import static io.drover.agent.streaming.StreamingRequests.refuse;

import io.drover.agent.streaming.StreamingEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The node's port-forward endpoint, kubelet-style: {@code GET|POST /portForward/<namespace>/<pod>},
 * upgraded to a WebSocket that speaks either SPDY/3.1 tunnelled in it ({@link
 * SpdyPortForwardSession}, what kubectl sends) or the channel protocol with the ports in {@code
 * ?port=} ({@link ChannelPortForwardSession}, what the fabric8 client sends); a {@link
 * StreamingEndpoint}.
 *
 * <p>Refusals are {@code metav1.Status} JSON with the kubelet's messages: 404 {@code pod does not
 * exist} when the pod does not run here, 400 for a missing or malformed port, and 400 for a request
 * that is not a WebSocket upgrade (plain SPDY, kubectl's fallback, is not served).
 */
public final class PortForwardHandler extends StreamingEndpoint {
    public static final String PATH_PREFIX = "/portForward/";

    private final PortForwardTargets targets;

    public PortForwardHandler(PortForwardTargets targets) {
        super(PATH_PREFIX, 2, "/portForward/<namespace>/<pod>");
        this.targets = targets;
    }

    @Override
    protected boolean serve(Request request, Response response, Callback callback, List<String> parts) {
        Optional<PortForwardTarget> target = targets.find(parts.get(0), parts.get(1));
        if (target.isEmpty()) {
            return refuse(response, callback, HttpStatus.NOT_FOUND_404, "NotFound", "pod does not exist");
        }
        if (!isWebSocketUpgrade(request)) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "Upgrade request required: port-forward is served over WebSocket (" + SpdyPortForwardSession.PROTOCOL
                            + ", " + ChannelPortForwardSession.PROTOCOL + ") only");
        }
        List<String> offered = request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, true);
        String protocol;
        Object session;
        if (offered.contains(SpdyPortForwardSession.PROTOCOL)) {
            protocol = SpdyPortForwardSession.PROTOCOL;
            session = new SpdyPortForwardSession(target.get());
        } else if (offered.isEmpty() || offered.contains(ChannelPortForwardSession.PROTOCOL)) {
            protocol = offered.isEmpty() ? null : ChannelPortForwardSession.PROTOCOL;
            List<Integer> ports;
            try {
                ports = ports(Request.extractQueryParameters(request).getValues("port"));
            } catch (IllegalArgumentException e) {
                return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest", e.getMessage());
            }
            session = new ChannelPortForwardSession(target.get(), ports);
        } else {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "requested protocol(s) are not supported: " + offered + "; supports ["
                            + SpdyPortForwardSession.PROTOCOL + " " + ChannelPortForwardSession.PROTOCOL + "]");
        }
        boolean upgraded = websockets().upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
            if (protocol != null) {
                upgradeResponse.setAcceptedSubProtocol(protocol);
            }
            return session;
        }, request, response, callback);
        if (!upgraded) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "the WebSocket upgrade failed (expected: WebSocket version 13)");
        }
        return true;
    }

    /** The kubelet's V4Options: {@code port} values, each a comma-separated list of ports. */
    static List<Integer> ports(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("query parameter \"port\" is required");
        }
        List<Integer> ports = new ArrayList<>();
        for (String value : values) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("query parameter \"port\" cannot be empty");
            }
            for (String p : value.split(",", -1)) {
                int port;
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 0 || port > 65535 || !p.matches("\\d+")) {
                    throw new IllegalArgumentException("unable to parse \"" + value + "\" as a port: strconv.ParseUint: "
                            + "parsing \"" + p + "\": " + (p.matches("\\d+") ? "value out of range" : "invalid syntax"));
                }
                if (port < 1) {
                    throw new IllegalArgumentException("port \"" + value + "\" must be > 0");
                }
                ports.add(port);
            }
        }
        return ports;
    }
}
