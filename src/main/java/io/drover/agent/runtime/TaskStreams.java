package io.drover.agent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * One attachment to a running task ({@link TaskAttach}). Several may exist at once: each reads
 * all output written while it is attached, and their input interleaves as it arrives.
 * {@link #close()} detaches; the task runs on.
 */
public interface TaskStreams extends Closeable {

    /** Whether the task runs on a terminal (its stdout carries stderr too). */
    boolean tty();

    /** Whether the task's stdin ends with the first attachment that wrote to it ({@link TaskStdio#stdinOnce()}). */
    boolean stdinOnce();

    /**
     * Whether this attachment writes to the task's stdin: false when the task has none (a container
     * without {@code stdin}), its stdin was closed for good, or the attachment was opened without it.
     */
    boolean hasStdin();

    /**
     * Writes to the task's stdin. Dropped when the task has no stdin, or it was closed: a
     * container started without {@code stdin} ignores an attached client's input.
     */
    void writeStdin(byte[] data) throws IOException;

    /** Closes the task's stdin for good: the task reads end of file once it has read what was written. */
    void closeTaskStdin() throws IOException;

    /** What the task writes to stdout from the moment of attaching; ends when the task ends or on {@link #close()}. */
    InputStream stdout();

    /** Same for stderr. */
    InputStream stderr();

    /** Resizes the task's terminal; no-op without one. */
    void resize(int columns, int rows) throws IOException, InterruptedException;

    /** Whether the task still runs. */
    boolean running();

    /**
     * Detaches: the output streams end, this attachment's handle on stdin is released. Input it
     * already took still reaches the task, unless the task ends or leaves it unread for a while.
     */
    @Override
    void close();
}
