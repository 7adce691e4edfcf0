package io.drover.agent.runtime;

/**
 * A task's standard input and terminal, from its container's {@code stdin}, {@code stdinOnce} and
 * {@code tty} fields.
 *
 * @param stdin the task reads a stream that {@link TaskAttach attached} clients write to; otherwise
 *     it reads nothing (end of file at once)
 * @param stdinOnce that stream ends (the task reads end of file) when the first attached client
 *     that wrote to it goes away; otherwise it stays open across attachments
 * @param tty the task runs on a pseudo-terminal, which merges its stdout and stderr
 */
public record TaskStdio(boolean stdin, boolean stdinOnce, boolean tty) {

    /** No stdin, no terminal: a container's default. */
    public static final TaskStdio NONE = new TaskStdio(false, false, false);

    public TaskStdio {
        stdinOnce = stdinOnce && stdin;
    }

    /**
     * Whether the task gets a stream to read. A terminal needs one even without {@code stdin}: the
     * terminal would hang up at the end of its input.
     */
    public boolean opensStream() {
        return stdin || tty;
    }
}
