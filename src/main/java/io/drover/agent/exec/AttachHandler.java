package io.drover.agent.exec;

import static io.drover.agent.streaming.StreamingRequests.query;
import static io.drover.agent.streaming.StreamingRequests.refuse;

import io.drover.agent.runtime.TaskStreams;
import io.drover.agent.streaming.StreamingEndpoint;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The node's attach endpoint, kubelet-style: {@code GET|POST /attach/<namespace>/<pod>/<container>
 * ?stdin&stdout&stderr&tty}, upgraded to a WebSocket speaking {@link StreamProtocol}: the running
 * container's own stdin and the output it writes from now on ({@link AttachedTask}).
 *
 * <p>Refusals are {@code metav1.Status} JSON, as {@link ExecHandler}'s: 400 for bad options or a
 * request that is not a WebSocket upgrade, 404 when the container does not run here, in the
 * kubelet's words ({@code container c not found in pod name_namespace}).
 */
public final class AttachHandler extends StreamingEndpoint {
    public static final String PATH_PREFIX = "/attach/";

    private final AttachTargets targets;

    public AttachHandler(AttachTargets targets) {
        super(PATH_PREFIX, 3, "/attach/<namespace>/<pod>/<container>");
        this.targets = targets;
    }

    @Override
    protected boolean serve(Request request, Response response, Callback callback, List<String> parts) throws Exception {
        AttachOptions options;
        try {
            options = AttachOptions.fromQuery(query(request));
        } catch (IllegalArgumentException e) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest", e.getMessage());
        }
        Optional<StreamProtocol> protocol = StreamProtocol.forUpgrade(request, response, callback, "attach");
        if (protocol.isEmpty()) {
            return true;
        }
        String namespace = parts.get(0);
        String pod = parts.get(1);
        String container = parts.get(2);
        // Attached before the upgrade: output from this moment on is the client's.
        Optional<TaskStreams> task;
        try {
            task = targets.attach(namespace, pod, container, options.stdin());
        } catch (IOException e) {
            return refuse(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "InternalError",
                    "error attaching to container: " + e.getMessage());
        }
        if (task.isEmpty()) {
            return refuse(response, callback, HttpStatus.NOT_FOUND_404, "NotFound",
                    "container " + container + " not found in pod " + pod + "_" + namespace);
        }
        String name = namespace + "/" + pod + "/" + container;
        boolean upgraded;
        try {
            upgraded = websockets().upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
                upgradeResponse.setAcceptedSubProtocol(protocol.get().id());
                return new RemoteCommandSession("attach", () -> new AttachedTask(task.get(), options.stdin()),
                        "error attaching to container: ", options.stdout(), options.stderr(), protocol.get(), name);
            }, request, response, callback);
        } catch (Throwable t) {
            task.get().close(); // no session will ever own the attachment
            throw t;
        }
        if (!upgraded) {
            task.get().close();
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "the WebSocket upgrade failed (expected: WebSocket version 13)");
        }
        return true;
    }
}
