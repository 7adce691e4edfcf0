package io.drover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member etcd, started as a child process on free loopback ports with its data in a
 * temporary directory. Its output goes to {@code etcd.log} in that directory, so test output stays
 * readable and a failed start can quote it.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Path DEBIAN_BINARY = Path.of("/usr/bin/etcd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    /**
     * Above drover's own 1.5 MiB value limit, so that limit (with its clear error) is the one a test
     * meets, not etcd's default of exactly 1.5 MiB per request.
     */
    private static final String MAX_REQUEST_BYTES = "2097152";

    private final Process process;
    private final Path dir;
    private final Path log;
    private final URI endpoint;
    private final Thread shutdownHook;

    private EtcdProcess(Process process, Path dir, Path log, URI endpoint) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.endpoint = endpoint;
        // A test JVM that exits without reaching close() must not leave etcd behind.
        this.shutdownHook = new Thread(process::destroyForcibly, "etcd-process-reaper");
    }

    /** True when an etcd binary is on the PATH or at /usr/bin/etcd. */
    public static boolean available() {
        return binary() != null;
    }

    /** Starts etcd and returns once it answers its health check. */
    public static EtcdProcess start() throws IOException {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("etcd binary not found on PATH or at " + DEBIAN_BINARY);
        }
        Path dir = Files.createTempDirectory("drover-etcd-");
        Path log = dir.resolve("etcd.log");
        int[] ports = freePorts(2);
        String client = "http://127.0.0.1:" + ports[0];
        String peer = "http://127.0.0.1:" + ports[1];
        List<String> command = List.of(
                binary.toString(),
                "--name", "drover-test",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "drover-test=" + peer,
                "--initial-cluster-state", "new",
                "--max-request-bytes", MAX_REQUEST_BYTES);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        EtcdProcess etcd = new EtcdProcess(process, dir, log, URI.create(client));
        Runtime.getRuntime().addShutdownHook(etcd.shutdownHook);
        try {
            etcd.awaitHealthy();
        } catch (IOException | RuntimeException e) {
            String tail = etcd.logTail();
            etcd.close();
            throw new IOException(e.getMessage() + "\n--- etcd log (last " + LOG_TAIL_LINES + " lines) ---\n" + tail, e);
        }
        return etcd;
    }

    /** The client URL, http://127.0.0.1:port. */
    public URI endpoint() {
        return endpoint;
    }

    /** Freezes etcd (SIGSTOP): connections stay open and requests go unanswered, as with a hung member. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a paused etcd run again (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " exited with " + exit);
        }
    }

    /** Stops etcd (politely, then forcibly) and deletes its data. Safe to call twice, and on a paused etcd. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume();
            } catch (IOException e) {
                // destroyForcibly below still ends it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs anyway.
        }
        deleteRecursively(dir);
    }

    private void awaitHealthy() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with status " + process.exitValue() + " while starting");
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"health\":\"true\"")) {
                    return;
                }
                lastProblem = "health answered " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for etcd", e);
            }
        }
        throw new IOException("etcd at " + endpoint + " not healthy within " + START_TIMEOUT.toSeconds()
                + " s (" + lastProblem + ")");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static Path binary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(entry, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return Files.isExecutable(DEBIAN_BINARY) ? DEBIAN_BINARY : null;
    }

    /** Ports the kernel considers free now; another process could still take them before etcd does. */
    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                // Held open together so the kernel hands out distinct ports.
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
