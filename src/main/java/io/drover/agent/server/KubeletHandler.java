package io.drover.agent.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import io.drover.agent.exec.AttachHandler;
import io.drover.agent.exec.ExecHandler;
import io.drover.agent.portforward.PortForwardHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates and routes the kubelet endpoint's requests: container logs here, {@code /exec/},
 * {@code /attach/} and {@code /portForward/} to the wrapped WebSocket handlers ({@link ExecHandler},
 * {@link AttachHandler}, {@link PortForwardHandler}). Errors are plain text with the kubelet's status
 * codes; the API server turns them into Kubernetes Status objects.
 */
final class KubeletHandler extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(KubeletHandler.class);

    private final Predicate<String> tokenAccepted;
    private final ContainerLogsEndpoint logs;

    KubeletHandler(Predicate<String> tokenAccepted, ContainerLogsEndpoint logs, ExecHandler exec, AttachHandler attach,
            PortForwardHandler portForward) {
        super(new Handler.Sequence(exec, attach, portForward));
        this.tokenAccepted = tokenAccepted;
        this.logs = logs;
    }

    /** Where an endpoint answers: a refusal, or a stream of text. */
    interface Answer {
        void fail(int status, String message) throws IOException;

        /** Commits a 200 text/plain answer and returns its body, flushed by the caller per chunk. */
        OutputStream stream() throws IOException;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Answer answer = new JettyAnswer(response);
        try {
            String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)
                    || !tokenAccepted.test(auth.substring(7).trim())) {
                answer.fail(401, "Unauthorized");
            } else if (streaming(Request.getPathInContext(request))) {
                return super.handle(request, response, callback);
            } else {
                route(request, answer);
            }
            callback.succeeded();
        } catch (Throwable t) {
            if (!(t instanceof IOException)) {
                log.warn("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), t);
            }
            callback.failed(t);
        }
        return true;
    }

    private static boolean streaming(String path) {
        return path.startsWith(ExecHandler.PATH_PREFIX) || path.startsWith(AttachHandler.PATH_PREFIX)
                || path.startsWith(PortForwardHandler.PATH_PREFIX);
    }

    private void route(Request request, Answer answer) throws IOException, InterruptedException {
        String path = request.getHttpURI().getDecodedPath();
        List<String> parts = path == null ? List.of()
                : Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        if (parts.size() == 4 && parts.get(0).equals("containerLogs")) {
            if (!request.getMethod().equals("GET")) {
                answer.fail(405, "Method Not Allowed");
                return;
            }
            Fields query = Request.extractQueryParameters(request);
            logs.serve(parts.get(1), parts.get(2), parts.get(3), name -> query.getValue(name), answer);
            return;
        }
        answer.fail(404, "404 page not found");
    }

    private record JettyAnswer(Response response) implements Answer {
        @Override
        public void fail(int status, String message) throws IOException {
            byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                out.write(body);
            }
        }

        @Override
        public OutputStream stream() throws IOException {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            try (Blocker.Callback committed = Blocker.callback()) {
                response.write(false, BufferUtil.EMPTY_BUFFER, committed);
                committed.block();
            }
            return Content.Sink.asOutputStream(response);
        }
    }
}
