package io.drover.agent.exec;

import static io.drover.agent.streaming.StreamingRequests.query;
import static io.drover.agent.streaming.StreamingRequests.refuse;

import io.drover.agent.streaming.StreamingEndpoint;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The node's exec endpoint, kubelet-style: {@code GET|POST /exec/<namespace>/<pod>/<container>
 * ?command=..&stdin&stdout&stderr&tty}, upgraded to a WebSocket speaking {@link StreamProtocol}.
 * Mounted in the node's HTTPS server like every {@link StreamingEndpoint}.
 *
 * <p>Refusals are {@code metav1.Status} JSON, which the API server passes through and client-go
 * reduces to its message: 400 for bad options or a request that is not a WebSocket upgrade (SPDY is
 * not served), 404 {@code container not found ("c")} as the kubelet words it when no such container
 * runs.
 */
public final class ExecHandler extends StreamingEndpoint {
    public static final String PATH_PREFIX = "/exec/";

    private final ExecTargets targets;

    public ExecHandler(ExecTargets targets) {
        super(PATH_PREFIX, 3, "/exec/<namespace>/<pod>/<container>");
        this.targets = targets;
    }

    @Override
    protected boolean serve(Request request, Response response, Callback callback, List<String> parts) {
        ExecOptions options;
        try {
            options = ExecOptions.fromQuery(query(request));
        } catch (IllegalArgumentException e) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest", e.getMessage());
        }
        String namespace = parts.get(0);
        String pod = parts.get(1);
        String container = parts.get(2);
        Optional<ExecTarget> target = targets.find(namespace, pod, container);
        if (target.isEmpty()) {
            return refuse(response, callback, HttpStatus.NOT_FOUND_404, "NotFound",
                    "container not found (\"" + container + "\")");
        }
        Optional<StreamProtocol> protocol = StreamProtocol.forUpgrade(request, response, callback, "exec");
        if (protocol.isEmpty()) {
            return true;
        }
        String name = namespace + "/" + pod + "/" + container;
        boolean upgraded = websockets().upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
            upgradeResponse.setAcceptedSubProtocol(protocol.get().id());
            return new RemoteCommandSession("exec", () -> ExecProcess.start(target.get(), options),
                    "error executing command in container: failed to exec in container: ", options.stdout(), options.stderr(), protocol.get(), name);
        }, request, response, callback);
        if (!upgraded) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "the WebSocket upgrade failed (expected: WebSocket version 13)");
        }
        return true;
    }
}
