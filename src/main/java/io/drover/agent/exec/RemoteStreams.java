package io.drover.agent.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a {@link RemoteCommandSession} relays: an exec'd command ({@link ExecProcess}) or a task
 * attached to ({@link AttachedTask}).
 */
interface RemoteStreams {

    InputStream stdout();

    InputStream stderr();

    /** Client input; dropped where it has nowhere to go. */
    void writeStdin(byte[] data) throws IOException;

    /** The client said its stdin ended (v5's close signal). */
    void endStdin() throws IOException;

    void resize(TerminalSize size) throws IOException, InterruptedException;

    /** Waits for the end and returns the {@code metav1.Status} that reports it. */
    ObjectNode awaitEnd() throws InterruptedException;

    /**
     * The client went away before the end: its input ends. What runs goes on (an exec'd command
     * to its end, a task attached to); the session reads and drops what it still writes.
     */
    void abandon();

    /** The session is over and its output drained: lets go of what the streams hold. */
    void release();
}
