package io.drover.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.agent.streaming.Channels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecProtocolTest {

    @Test
    void frameStartsWithTheChannelByte() {
        ByteBuffer frame = Channels.frame(Channels.STDERR, "oops".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        assertThat(bytes).containsExactly(2, 'o', 'o', 'p', 's');
    }

    @Test
    void frameOfASliceCopiesOnlyThatSlice() {
        ByteBuffer frame = Channels.frame(Channels.STDOUT, "abcdef".getBytes(StandardCharsets.UTF_8), 2, 3);
        assertThat(frame.remaining()).isEqualTo(4);
        assertThat(frame.get(0)).isEqualTo((byte) 1);
        assertThat(new String(frame.array(), 1, 3, StandardCharsets.UTF_8)).isEqualTo("cde");
    }

    @Test
    void parsesChannelAndPayloadIncludingTheCloseChannel() {
        Channels.Message stdin = Channels.Message.parse(ByteBuffer.wrap(new byte[] {0, 'h', 'i'}));
        assertThat(stdin.channel()).isEqualTo(Channels.STDIN);
        assertThat(stdin.bytes()).containsExactly('h', 'i');

        Channels.Message close = Channels.Message.parse(ByteBuffer.wrap(new byte[] {(byte) 255, 0}));
        assertThat(close.channel()).isEqualTo(Channels.CLOSE);
        assertThat(close.bytes()).containsExactly(0);

        assertThat(Channels.Message.parse(ByteBuffer.allocate(0))).isNull();
        assertThat(Channels.Message.parse(ByteBuffer.wrap(new byte[] {1})).bytes()).isEmpty();
    }

    @Test
    void negotiatesInTheClientsOrderAndOnlyKnownProtocols() {
        assertThat(StreamProtocol.negotiate(List.of("v5.channel.k8s.io"))).contains(StreamProtocol.V5);
        assertThat(StreamProtocol.negotiate(List.of("v4.channel.k8s.io", "v5.channel.k8s.io")))
                .contains(StreamProtocol.V4);
        assertThat(StreamProtocol.negotiate(List.of("channel.k8s.io", " v5.channel.k8s.io")))
                .contains(StreamProtocol.V5);
        assertThat(StreamProtocol.negotiate(List.of("SPDY/3.1+portforward.k8s.io", "base64.channel.k8s.io")))
                .isEmpty();
    }

    @Test
    void statusesHaveTheShapeClientGoDecodes() {
        assertThat(ExecStatus.success().toString()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        String failure = ExecStatus.exitCode(List.of("sh", "-c", "exit 3"), 3).toString();
        assertThat(failure).contains("\"status\":\"Failure\"", "\"reason\":\"NonZeroExitCode\"",
                "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}",
                // Go's %v of the []string
                "\"message\":\"command terminated with non-zero exit code: error executing command [sh -c exit 3], "
                        + "exit code 3\"");
        assertThat(ExecStatus.internalError("error attaching to container: gone").toString()).isEqualTo(
                "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error occurred: error attaching to "
                        + "container: gone\",\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":"
                        + "\"error attaching to container: gone\"}]},\"code\":500}");
    }

    @Test
    void resizeMessagesAreWidthAndHeight() {
        assertThat(TerminalSize.parse("{\"Width\":120,\"Height\":40}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new TerminalSize(120, 40));
        assertThat(TerminalSize.parse("{\"Width\":0,\"Height\":0}".getBytes(StandardCharsets.UTF_8))).isNull();
        // Go's encoding/json matches untagged field names in any case: the JavaScript client writes lower case.
        assertThat(TerminalSize.parse("{\"height\":33,\"width\":111}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new TerminalSize(111, 33));
        assertThat(TerminalSize.parse("{\"WIDTH\":1,\"width\":80,\"Height\":24}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new TerminalSize(80, 24));
        assertThat(TerminalSize.parse("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void optionsFromTheQuery() {
        ExecOptions options = ExecOptions.fromQuery(Map.of("command", List.of("sh", "-c", "true"),
                "stdout", List.of("true"), "stderr", List.of("1"), "stdin", List.of("false")));
        assertThat(options).isEqualTo(new ExecOptions(List.of("sh", "-c", "true"), false, true, true, false));

        ExecOptions tty = ExecOptions.fromQuery(Map.of("command", List.of("sh"), "stdout", List.of("true"),
                "stderr", List.of("true"), "tty", List.of("true")));
        assertThat(tty.stderr()).as("a terminal has one output stream").isFalse();

        assertThatThrownBy(() -> ExecOptions.fromQuery(Map.of("stdout", List.of("true"))))
                .hasMessage("you must specify at least one command for the container");
        assertThatThrownBy(() -> ExecOptions.fromQuery(Map.of("command", List.of("ls"))))
                .hasMessage("you must specify at least 1 of stdin, stdout, stderr");
        assertThatThrownBy(() -> ExecOptions.fromQuery(Map.of("command", List.of("ls"), "stdout", List.of("yes"))))
                .hasMessageContaining("invalid value for stdout");
    }

    @Test
    void commandLineRunsInANewSessionWithExactlyTheContainersEnvironment() {
        ExecTarget target = new ExecTarget(Map.of("A", "1"), Path.of("/tmp"), List.of());
        ExecOptions options = new ExecOptions(List.of("printenv", "A"), false, true, true, false);
        assertThat(ExecCommandLine.of(target, options))
                .containsExactly("setsid", "env", "-i", "--default-signal", "--", "A=1",
                        "PATH=" + ExecCommandLine.DEFAULT_PATH, "printenv", "A");
    }

    @Test
    void commandLineJoinsTheCgroupBeforeTheCommandRuns() {
        ExecTarget target = new ExecTarget(Map.of(), Path.of("/tmp"), List.of(
                Path.of("/sys/fs/cgroup/memory/drover/c/cgroup.procs"), Path.of("/sys/fs/cgroup/cpu/drover/c/cgroup.procs")));
        List<String> line = ExecCommandLine.of(target, new ExecOptions(List.of("ls"), false, true, true, false));
        assertThat(line.subList(0, 5)).containsExactly("setsid", "/bin/sh", "-c",
                "for f in $0; do printf '0\\n' > \"$f\" || exit 126; done; exec \"$@\"",
                "/sys/fs/cgroup/memory/drover/c/cgroup.procs /sys/fs/cgroup/cpu/drover/c/cgroup.procs");
        assertThat(line.subList(5, line.size())).containsExactly("env", "-i", "--default-signal", "--",
                "PATH=" + ExecCommandLine.DEFAULT_PATH, "ls");
    }

    @Test
    void ttyCommandLineRunsTheQuotedCommandOnScriptsPty() {
        ExecTarget target = new ExecTarget(Map.of(), Path.of("/tmp"), List.of());
        List<String> line = ExecCommandLine.of(target,
                new ExecOptions(List.of("echo", "it's"), true, true, false, true));
        assertThat(line).containsSubsequence("--", "TERM=xterm", io.drover.agent.runtime.Pty.SCRIPT);
        assertThat(line).contains("exec 'echo' 'it'\\''s'");
        assertThat(line.get(line.size() - 1)).isEqualTo("/dev/null");
    }
}
