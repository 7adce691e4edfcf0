package io.drover.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * {@code drover server} as a child process (the same main class the launcher runs, on the test
 * classpath), on a temporary data dir and a free port. Closing it sends SIGTERM, waits, stops
 * the pods its node agent left running (a real server leaves them to the next agent), and
 * removes the data dir.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("API server ready at (https://\\S+) .*kubeconfig: (\\S+)");

    private final Process process;
    private final Path dataDir;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile String url;
    private volatile Path kubeconfig;

    private ServerProcess(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    public static ServerProcess start(String... extraArgs) throws IOException {
        return startOn(TempDirs.create("drover-server"), true, List.of(), extraArgs);
    }

    /** A server whose JVM runs with these options as well (e.g. a small {@code -Xmx}). */
    public static ServerProcess startWithJvmOptions(List<String> jvmOptions, String... extraArgs) throws IOException {
        return startOn(TempDirs.create("drover-server"), true, jvmOptions, extraArgs);
    }

    /**
     * Starts a server on the data dir of this one, which must have ended (after {@link #kill9()}):
     * the restart of a crashed server. The returned instance owns the data dir from then on.
     */
    public ServerProcess restart(String... extraArgs) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the server still runs (pid " + process.pid() + ")");
        }
        return startOn(dataDir, true, List.of(), extraArgs);
    }

    /** Starts a second server on the data dir of this one while it runs, which the second must refuse. */
    public ServerProcess startAnother(String... extraArgs) throws IOException {
        return startOn(dataDir, false, List.of(), extraArgs);
    }

    /** @param ownsDataDir whether a server that fails to start takes the data dir (its pods, its files) with it */
    private static ServerProcess startOn(Path dataDir, boolean ownsDataDir, List<String> jvmOptions,
            String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "io.drover.cli.Main", "server", "--data-dir", dataDir.toString(), "--api-port", "0",
                "--bind-address", "127.0.0.1", "--kubelet-port", "0",
                // a free port: port 53 is one per machine, and pods then keep the host's resolv.conf
                "--cluster-dns-port", "0"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ServerProcess server = new ServerProcess(process, dataDir);
        Thread.ofVirtual().name("server-output").start(server::readOutput);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> server.url != null || !process.isAlive());
        } catch (RuntimeException e) {
            server.abandon(ownsDataDir);
            throw e;
        }
        if (server.url == null) {
            server.abandon(ownsDataDir);
            throw new IllegalStateException("drover server did not start:\n" + String.join("\n", server.output));
        }
        return server;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    kubeconfig = Path.of(m.group(2));
                    url = m.group(1);
                }
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    public String url() {
        return url;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Process process() {
        return process;
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    /** SIGKILL, as a crash: nothing of the server runs its shutdown; its pods keep running. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it does not stop in time; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** A server that did not start: stopped, and its data dir deleted only if it is its own. */
    private void abandon(boolean ownsDataDir) {
        if (ownsDataDir) {
            close();
        } else {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            PodProcesses.stopAll(dataDir);
            TempDirs.delete(dataDir);
        }
    }
}
