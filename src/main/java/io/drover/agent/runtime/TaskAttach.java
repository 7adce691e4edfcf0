package io.drover.agent.runtime;

import java.io.IOException;
import java.util.Optional;

/**
 * Attaching to a running task's own standard streams ({@code kubectl attach}), for runtimes that
 * keep them reachable. Like {@link TaskExec}, a capability only some runtimes have.
 */
public interface TaskAttach {

    /**
     * The task's streams from now on: output it writes after this call, and its stdin when it has
     * one ({@link TaskStdio}) and {@code stdin} asks for it.
     *
     * @param stdin whether this attachment writes to the task's stdin: only then does it hold the
     *     stdin open (an attachment that only reads must not keep a stdinOnce task from its end of file)
     * @return empty when the task no longer runs
     */
    Optional<TaskStreams> attach(TaskHandle handle, boolean stdin) throws IOException;
}
