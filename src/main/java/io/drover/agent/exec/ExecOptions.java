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
        boolean stdin = flag(query, "stdin");
        boolean stdout = flag(query, "stdout");
        boolean stderr = flag(query, "stderr");
        boolean tty = flag(query, "tty");
        if (!stdin && !stdout && !stderr) {
            throw new IllegalArgumentException("you must specify at least 1 of stdin, stdout, stderr");
        }
        return new ExecOptions(command, stdin, stdout, stderr && !tty, tty);
    }

    /** Go's strconv.ParseBool, which the API's query parameter conversion uses. */
    private static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return false;
        }
        return switch (values.get(0)) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False", "" -> false;
            default -> throw new IllegalArgumentException(
                    "invalid value for " + name + ": \"" + values.get(0) + "\" (expected: true or false)");
        };
    }
}
