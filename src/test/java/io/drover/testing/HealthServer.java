package io.drover.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A program for pods in tests (run with {@link #command}): serves {@code GET /healthz} on all
 * addresses of the given port, 200 while the given file exists and 500 once it does not. Uses only
 * the JDK, so it runs from the test classes directory.
 */
public final class HealthServer {
    private HealthServer() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Path healthy = Path.of(args[1]);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/healthz", exchange -> {
            boolean ok = Files.exists(healthy);
            byte[] body = (ok ? "ok" : "unhealthy").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 500, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The command line that runs this server with the test JVM's java. */
    public static List<String> command(int port, Path healthyFile) {
        return command(Integer.toString(port), healthyFile);
    }

    /** The same with the port as text, e.g. {@code $(PORT)} for the pod's allocated host port. */
    public static List<String> command(String port, Path healthyFile) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        try {
            command.add(Path.of(HealthServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        command.add(HealthServer.class.getName());
        command.add(port);
        command.add(healthyFile.toString());
        return command;
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
