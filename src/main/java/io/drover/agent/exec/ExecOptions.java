package io.drover.agent.exec;

import java.util.List;
import java.util.Map;

/**
 * The query of an exec request ({@code core/v1 PodExecOptions}), as the API server forwards it to
 * the node: {@code command} (repeated), {@code stdin}, {@code stdout}, {@code stderr}, {@code tty}.
 *
 * @param stderr false in TTY mode: a terminal has one output stream, so the kubelet drops stderr too
 */
public record ExecOptions(List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {

    public ExecOptions {
        command = List.copyOf(command);
    }

    /**
     * Reads the query.
     *
     * @throws IllegalArgumentException with Kubernetes' message when the options cannot run
     */
    public static ExecOptions fromQuery(Map<String, List<String>> query) {
        List<String> command = query.getOrDefault("command", List.of());
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("you must specify at least one command for the container");
        }
        AttachOptions streams = AttachOptions.fromQuery(query);
        return new ExecOptions(command, streams.stdin(), streams.stdout(), streams.stderr(), QueryFlags.flag(query, "tty"));
    }
}
