package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An Error that escapes the handler (out of memory) is answered as a Status that does not repeat its message. */
class StatusErrorHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Server server;
    private ServerConnector connector;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // As JettyAdapter does with what the router throws.
                callback.failed(new OutOfMemoryError("Java heap space at /secret/path"));
                return true;
            }
        });
        server.setErrorHandler(new StatusErrorHandler());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void anErrorFromTheHandlerIsAnInternalErrorStatus() throws Exception {
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/v1/configmaps")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode status = JSON.readTree(response.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("InternalError");
        assertThat(status.path("code").asInt()).isEqualTo(500);
        assertThat(status.path("message").asText()).isEqualTo("Internal error occurred: OutOfMemoryError");
        // NewInternalError's one cause: the error again, a message alone.
        assertThat(status.path("details").toString()).isEqualTo("{\"causes\":[{\"message\":\"OutOfMemoryError\"}]}");
        assertThat(response.body()).doesNotContain("heap").doesNotContain("/secret/path");
    }
}
