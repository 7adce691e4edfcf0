package io.drover.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.testing.ChannelStreams;
import io.drover.testing.TempDirs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's exec endpoint on a real Jetty server, driven over a real WebSocket; real processes. */
class ExecHandlerIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Path workDir;
    /** The sessions exec'd commands lead, as the container would be told of them. */
    private final List<Long> adopted = new CopyOnWriteArrayList<>();
    private Server server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        workDir = TempDirs.create("drover-exec");
        Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "GREETING", "hello from the pod");
        ExecTargets targets = (ns, pod, container) -> ns.equals("default") && pod.equals("web") && container.equals("app")
                ? Optional.of(new ExecTarget(env, workDir, List.of(), Optional.empty(), null, adopted::add))
                : ns.equals("default") && pod.equals("gone") ? Optional.of(new ExecTarget(env, workDir.resolve("missing"), List.of()))
                : Optional.empty();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ExecHandler(targets));
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        // No container stops these sessions here: the test does, as stopping the container would.
        for (long session : adopted) {
            new ProcessBuilder("pkill", "-KILL", "-s", Long.toString(session)).start().waitFor();
        }
        TempDirs.delete(workDir);
    }

    private URI uri(String pod, String query) {
        return URI.create("ws://127.0.0.1:" + port + "/exec/default/" + pod + "/app?" + query);
    }

    private static String commandQuery(String... command) {
        return List.of(command).stream().map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private ChannelStreams exec(String flags, String... command) throws Exception {
        return ChannelStreams.connect(uri("web", commandQuery(command) + "&" + flags), Map.of(), "v5.channel.k8s.io");
    }

    @Test
    void separatesStdoutAndStderrWithTheContainersEnvironmentAndWorkingDir() throws Exception {
        try (ChannelStreams streams = exec("stdout=true&stderr=true",
                "sh", "-c", "echo out; echo err >&2; pwd; echo \"$GREETING\"")) {
            assertThat(streams.protocol()).isEqualTo("v5.channel.k8s.io");
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            assertThat(streams.stdout()).isEqualTo("out\n" + workDir.toRealPath() + "\nhello from the pod\n");
            assertThat(streams.stderr()).isEqualTo("err\n");
            assertThat(streams.status()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            assertThat(streams.closeCode()).isEqualTo(StatusCode.NORMAL);
        }
    }

    @Test
    void relaysStdinUntilTheV5CloseSignalEndsIt() throws Exception {
        try (ChannelStreams streams = exec("stdin=true&stdout=true&stderr=true", "cat")) {
            streams.stdin("first line\n");
            await().atMost(WAIT).until(() -> streams.stdout().equals("first line\n"));
            streams.stdin("second");
            streams.closeStdin();
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            assertThat(streams.stdout()).isEqualTo("first line\nsecond");
            assertThat(streams.status()).contains("\"status\":\"Success\"");
        }
    }

    @Test
    void reportsANonZeroExitCodeAsNonZeroExitCodeStatus() throws Exception {
        try (ChannelStreams streams = exec("stdout=true&stderr=true", "sh", "-c", "exit 3")) {
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            assertThat(streams.status()).contains("\"status\":\"Failure\"", "\"reason\":\"NonZeroExitCode\"",
                    "\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]");
            assertThat(streams.closeCode()).isEqualTo(StatusCode.NORMAL);
        }
    }

    @Test
    void ttyModeRunsOnAResizablePtyThatMergesStderrAndEchoesInput() throws Exception {
        try (ChannelStreams streams = exec("stdin=true&stdout=true&stderr=true&tty=true", "sh", "-c",
                "while [ \"$(stty size)\" != '30 100' ]; do sleep 0.05; done; echo resized; "
                        + "test -t 0 && echo \"on a tty, TERM=$TERM\"; echo err >&2; read x; echo got-$x")) {
            streams.resize(100, 30);
            await().atMost(WAIT).until(() -> streams.stdout().contains("err"));
            streams.stdin("abc\n");
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            assertThat(streams.stdout()).contains("resized\r\n", "on a tty, TERM=xterm\r\n", "err\r\n",
                    "abc\r\n", "got-abc\r\n");
            assertThat(streams.stderr()).isEmpty();
            assertThat(streams.status()).contains("\"status\":\"Success\"");
        }
    }

    @Test
    void aDisconnectEndsStdinAndTheCommandRunsToItsEnd() throws Exception {
        // fabric8's upload: v4 has no stdin-close signal, so closing the connection ends the input
        try (ChannelStreams streams = exec("stdin=true&stdout=true&stderr=true", "sh", "-c",
                "cat > received; sleep 0.5; echo done > after")) {
            streams.stdin("the archive");
            await().atMost(WAIT).until(() -> Files.exists(workDir.resolve("received"))
                    && Files.readString(workDir.resolve("received")).equals("the archive"));
            streams.disconnect();
        }
        await().atMost(WAIT).until(() -> Files.exists(workDir.resolve("after")));
        assertThat(Files.readString(workDir.resolve("after"))).isEqualTo("done\n");
    }

    @Test
    void aCommandThatIgnoresItsInputOutlivesTheClientInASessionTheContainerAdopts() throws Exception {
        long sleeper;
        try (ChannelStreams streams = exec("stdout=true&stderr=true", "sh", "-c",
                "echo $$; exec sleep 300")) {
            await().atMost(WAIT).until(() -> streams.stdout().endsWith("\n"));
            sleeper = Long.parseLong(streams.stdout().trim());
            streams.disconnect();
        }
        // as kubectl exec -- sleep 300 interrupted: the process goes on until its container stops
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !gone(sleeper));
        assertThat(adopted).contains(sleeper);
    }

    @Test
    void aDisconnectHangsUpATerminalSoAShellOnItEnds() throws Exception {
        long shell;
        try (ChannelStreams streams = exec("stdin=true&stdout=true&stderr=true&tty=true", "sh")) {
            streams.stdin("echo shell=$$\n");
            await().atMost(WAIT).until(() -> streams.stdout().matches("(?s).*shell=\\d+\\r\\n.*"));
            shell = pidAfter(streams.stdout(), "shell=");
            streams.disconnect();
        }
        await().atMost(WAIT).until(() -> gone(shell));
    }

    @Test
    void aDisconnectHangsUpATerminalInRawModeWhereEndOfInputIsJustAKey() throws Exception {
        long reader;
        try (ChannelStreams streams = exec("stdin=true&stdout=true&stderr=true&tty=true", "sh", "-c",
                "stty raw -echo; echo reader=$$; exec cat > /dev/null")) {
            await().atMost(WAIT).until(() -> streams.stdout().matches("(?s).*reader=\\d+\\r?\\n.*"));
            reader = pidAfter(streams.stdout(), "reader=");
            streams.disconnect();
        }
        // SIGHUP to the session on the pty: ^D typed into it would have been read as data
        await().atMost(WAIT).until(() -> gone(reader));
    }

    private static long pidAfter(String output, String marker) {
        int at = output.lastIndexOf(marker) + marker.length();
        int end = at;
        while (end < output.length() && Character.isDigit(output.charAt(end))) {
            end++;
        }
        return Long.parseLong(output.substring(at, end));
    }

    /** Gone, or a zombie waiting for a reaper (it holds no resources and runs nothing). */
    private static boolean gone(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return true;
        }
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        }
    }

    @Test
    void speaksV4WhenTheClientOffersOnlyV4() throws Exception {
        try (ChannelStreams streams = ChannelStreams.connect(uri("web", commandQuery("echo", "v4") + "&stdout=true"),
                Map.of(), "v4.channel.k8s.io")) {
            assertThat(streams.protocol()).isEqualTo("v4.channel.k8s.io");
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            assertThat(streams.stdout()).isEqualTo("v4\n");
            assertThat(streams.status()).contains("Success");
        }
    }

    @Test
    void aCommandThatCannotStartEndsWithAFailureStatus() throws Exception {
        try (ChannelStreams streams = ChannelStreams.connect(uri("gone", commandQuery("ls") + "&stdout=true"),
                Map.of(), "v5.channel.k8s.io")) {
            await().atMost(WAIT).until(() -> streams.closeCode() != null);
            // the kubelet's apierrors.NewInternalError("error executing command in container: ...")
            assertThat(streams.status()).contains("\"status\":\"Failure\"", "\"reason\":\"InternalError\"",
                    "\"code\":500", "\"message\":\"Internal error occurred: error executing command in container: "
                            + "failed to exec in container: ");
        }
    }

    @Test
    void theFirstMessageWaitsUntilKubectlCanHaveCreatedItsStreams() throws Exception {
        // A command that fails at once answers within milliseconds of the upgrade (once warm: the first
        // failure is slower); kubectl 1.32 drops a message that comes before it has created its streams.
        for (int attempt = 0; attempt < 2; attempt++) {
            try (ChannelStreams streams = ChannelStreams.connect(uri("gone", commandQuery("ls") + "&stdout=true"),
                    Map.of(), "v5.channel.k8s.io")) {
                await().atMost(WAIT).until(() -> streams.closeCode() != null);
                assertThat(streams.firstMessageAfterUpgrade()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            }
        }
    }

    @Test
    void refusesUnknownContainersAndRequestsWithoutUpgrade() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/exec/default/web/nope?command=ls&stdout=true")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("container not found (\\\"nope\\\")");

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/exec/default/web/app?command=ls&stdout=true")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("Upgrade request required");

        HttpResponse<String> noStreams = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/exec/default/web/app?command=ls")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noStreams.statusCode()).isEqualTo(400);
        assertThat(noStreams.body()).contains("you must specify at least 1 of stdin, stdout, stderr");

        assertThatThrownBy(() -> ChannelStreams.connect(uri("web", "command=ls&stdout=true"), Map.of(),
                "channel.k8s.io"))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UpgradeException.class).hasMessageContaining("400");
    }
}
