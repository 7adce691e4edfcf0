package io.drover.agent.runtime;

import java.time.Duration;
import java.util.List;

/**
 * Runs a command inside a running task, with the task's environment, working directory and
 * resource accounting: what a lifecycle hook's {@code exec} needs. A {@link Runtime} that can do
 * this implements it and says so in {@link Capabilities#supportsExec()}.
 */
public interface TaskExec {

    /**
     * Runs {@code command} in the task and waits up to {@code timeout} for it; a command still
     * running then is killed with everything it started.
     *
     * @throws TaskException when the task does not run or the command cannot be started
     */
    ExecResult exec(TaskHandle handle, List<String> command, Duration timeout) throws InterruptedException;

    /**
     * How an exec ended.
     *
     * @param exitCode its exit status ({@code 128 + n} for signal {@code n}); meaningless when timed out
     * @param output its standard output and error, interleaved, cut at {@link #OUTPUT_LIMIT} bytes
     * @param timedOut whether it was killed for running past its timeout
     */
    record ExecResult(int exitCode, String output, boolean timedOut) {
        /** The most output kept: enough for an error message, bounded against chatty commands. */
        public static final int OUTPUT_LIMIT = 10 * 1024;

        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
