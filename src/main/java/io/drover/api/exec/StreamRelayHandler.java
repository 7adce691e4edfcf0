package io.drover.api.exec;

import static io.drover.agent.streaming.StreamingRequests.query;

import io.drover.api.kubelet.NodeConnections;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.WebSocketTokenProtocol;
import io.drover.api.storage.ObjectStorage;
import io.drover.store.StoreUnavailableException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's streaming pod subresources, {@code pods/exec}, {@code pods/attach} and {@code
 * pods/portforward} (GET and POST): authenticates, checks the request as kube-apiserver does ({@link PodStreamLocator}),
 * then opens a WebSocket to the node's endpoint with the client's subprotocols and, once the node
 * accepted one, upgrades the client's connection with that same subprotocol and relays messages and
 * closes both ways ({@link RelayEndpoint}). It sits in front of the Jetty-independent API handler
 * because an upgrade needs Jetty's connection; every other request passes through.
 *
 * <p>kubectl's port-forward tunnels SPDY through the WebSocket ({@code SPDY/3.1+portforward.k8s.io});
 * kube-apiserver turns that into a SPDY upgrade to the kubelet, while drover's node speaks the
 * tunnel itself, so both subresources relay alike.
 *
 * <p>Plain SPDY (kubectl's fallback when the WebSocket attempt fails) is not served: such a
 * request, once the pod checks pass, gets 400 with a message saying so, which kubectl prints as
 * {@code Error from server (BadRequest): ...}. Failed pod checks answer both attempts alike.
 */
public final class StreamRelayHandler extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(StreamRelayHandler.class);
    private static final Pattern STREAM_PATH =
            Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)/?$");
    private static final String SPDY_TUNNEL_PREFIX = "SPDY/3.1+";
    private static final long CONNECT_SECONDS = 30;

    private final Predicate<String> authorized;
    private final PodStreamLocator locator;
    private final NodeConnections connections;
    private final WebSocketClient nodes;
    private ServerWebSocketContainer websockets;

    /**
     * @param next the API handler for everything else
     * @param authorized whether an {@code Authorization} header value (possibly null) is accepted
     */
    public StreamRelayHandler(Handler next, Predicate<String> authorized, ObjectStorage storage,
            ResourceRegistry registry, NodeConnections connections) {
        super(next);
        this.authorized = authorized;
        this.connections = connections;
        this.locator = new PodStreamLocator(storage, registry.find("", "v1", "pods").orElseThrow(),
                registry.find("", "v1", "nodes").orElseThrow(), connections);
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(connections.sslContext());
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        // Streams are rare: the client keeps one idle thread besides its selector, not Jetty's 8.
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("stream-relay");
        threads.setMinThreads(2);
        http.setExecutor(threads);
        this.nodes = new WebSocketClient(http);
        // Unmanaged: the first stream starts it (its WebSocket components keep a pool of 8 threads, which
        // a server that never relays an exec need not pay for); stopped with this handler.
        addBean(nodes, false);
    }

    private synchronized WebSocketClient startedNodes() throws Exception {
        if (!nodes.isStarted()) {
            nodes.start();
        }
        return nodes;
    }

    @Override
    protected void doStart() throws Exception {
        websockets = ServerWebSocketContainer.ensure(getServer());
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        synchronized (this) {
            nodes.stop();
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Matcher path = STREAM_PATH.matcher(Request.getPathInContext(request));
        if (!path.matches()) {
            return super.handle(request, response, callback);
        }
        try {
            relay(request, response, callback, path.group(1), path.group(2), path.group(3));
        } catch (ApiException e) {
            writeStatus(response, callback, e);
        } catch (StoreUnavailableException e) {
            writeStatus(response, callback, ApiException.unavailable("the datastore is unavailable: " + e.getMessage()));
        }
        return true;
    }

    private void relay(Request request, Response response, Callback callback, String namespace, String name,
            String subresource) throws Exception {
        if (!authenticated(request)) {
            throw ApiException.unauthorized();
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("POST")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        boolean websocket = upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
        boolean remoteCommand = !subresource.equals("portforward");
        URI target = remoteCommand ? locator.remoteCommand(subresource, namespace, name, query(request))
                : locator.portForward(namespace, name, query(request), websocket && !spdyTunnel(request));
        if (upgrade == null) {
            throw ApiException.badRequest("Upgrade request required");
        }
        if (!websocket) {
            throw ApiException.badRequest("unable to upgrade connection: " + upgrade + " is not supported; drover "
                    + "serves " + (remoteCommand ? subresource + " over WebSocket (v5.channel.k8s.io)"
                            : "port-forward over WebSocket (SPDY/3.1+portforward.k8s.io, v4.channel.k8s.io)") + " only");
        }
        URI wsTarget = URI.create(target.toString().replaceFirst("^http", "ws"));
        websockets.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
            RelayEndpoint[] pair = RelayEndpoint.pair();
            ClientUpgradeRequest toNode = new ClientUpgradeRequest();
            // The node is offered what the client offered, except the protocol that carries the client's token.
            toNode.setSubProtocols(WebSocketTokenProtocol.withoutToken(upgradeRequest.getSubProtocols()));
            connections.authorization().ifPresent(value -> toNode.setHeader("Authorization", value));
            try {
                startedNodes().connect(pair[1], wsTarget, toNode).get(CONNECT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                ApiException refusal = nodeRefusal(e.getCause(), target, remoteCommand);
                writeStatus(upgradeResponse, upgradeCallback, refusal);
                return null;
            }
            upgradeResponse.setAcceptedSubProtocol(pair[1].acceptedSubProtocol());
            return pair[0];
        }, request, response, callback);
    }

    /** Whether the Authorization header, or else a token subprotocol ({@link WebSocketTokenProtocol}), is accepted. */
    private boolean authenticated(Request request) {
        if (authorized.test(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return true;
        }
        String protocols = String.join(",", request.getHeaders().getValuesList(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL));
        return WebSocketTokenProtocol.token(protocols).map(token -> authorized.test("Bearer " + token)).orElse(false);
    }

    /** Whether the client tunnels SPDY through the WebSocket (kubectl's port-forward). */
    private static boolean spdyTunnel(Request request) {
        return request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, true).stream()
                .anyMatch(protocol -> protocol.startsWith(SPDY_TUNNEL_PREFIX));
    }

    /** kube-apiserver's wording when the node cannot be reached or refuses. */
    private static ApiException nodeRefusal(Throwable cause, URI target, boolean remoteCommand) {
        if (cause instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() > 0) {
            int code = upgrade.getResponseStatusCode();
            String message = code != 404 ? "unable to upgrade connection: the node answered " + code
                    : remoteCommand ? "unable to upgrade connection: the container is not running on the node"
                    : "unable to upgrade connection: pod does not exist";
            return new ApiException(code >= 500 ? 500 : code, code == 404 ? "NotFound" : "BadRequest", message);
        }
        log.info("stream relay to {} failed: {}", target.getHost() + ":" + target.getPort(), cause.toString());
        return ApiException.internal("error dialing backend: " + cause.getMessage());
    }

    private static void writeStatus(Response response, Callback callback, ApiException e) {
        response.setStatus(e.code());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(e.toStatus().toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
