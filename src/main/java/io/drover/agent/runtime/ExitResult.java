package io.drover.agent.runtime;

import java.time.Instant;

/**
 * How a task ended.
 *
 * @param exitCode the exit status as Kubernetes reports it: the process's exit code, or
 *     {@code 128 + n} when it was killed by signal {@code n} (137 for SIGKILL, 143 for SIGTERM)
 * @param signal the signal that killed the task, or 0 when it exited by itself. Derived from
 *     {@code exitCode > 128}, as a shell does, so a program that calls {@code exit(137)} reads as
 *     killed by signal 9; Kubernetes makes the same conflation.
 * @param finishedAt when the task ended, as well as the runtime knows
 * @param oomKilled whether the kernel's OOM killer ended it
 * @param lost the runtime could not learn the real status (the task vanished while nothing was
 *     watching it); then {@code exitCode} is 137, as the kubelet reports a container it cannot
 *     locate (reason ContainerStatusUnknown)
 */
public record ExitResult(int exitCode, int signal, Instant finishedAt, boolean oomKilled, boolean lost) {

    /** The result for an exit status as a shell reports it: {@code 128 + n} means signal {@code n}. */
    public static ExitResult of(int exitCode, Instant finishedAt) {
        int signal = exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : 0;
        return new ExitResult(exitCode, signal, finishedAt, false, false);
    }

    /** The result for a task whose end nobody observed. */
    public static ExitResult lost(Instant finishedAt) {
        return new ExitResult(137, 0, finishedAt, false, true);
    }

    public ExitResult {
        if (finishedAt == null) {
            throw new IllegalArgumentException("finishedAt: null (expected: an instant)");
        }
    }
}
