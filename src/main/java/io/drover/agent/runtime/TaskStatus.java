package io.drover.agent.runtime;

import java.time.Instant;

/**
 * A task's state as {@link Runtime#inspect} sees it.
 *
 * @param state whether it runs
 * @param pid the task's main process id (also its process group and session id for the process runtime)
 * @param startedAt when the main process started
 * @param exit how it ended; {@code null} while {@link State#RUNNING}
 */
public record TaskStatus(State state, long pid, Instant startedAt, ExitResult exit) {

    public enum State {
        /** The main process is alive. */
        RUNNING,
        /** The main process has ended; {@link TaskStatus#exit()} says how. */
        EXITED
    }

    public TaskStatus {
        if ((state == State.EXITED) != (exit != null)) {
            throw new IllegalArgumentException("exit: " + exit + " (expected: set exactly when state is EXITED, was " + state + ")");
        }
    }
}
