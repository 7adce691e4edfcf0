package io.drover.agent.probe;

import io.drover.api.strategy.GoValues;
import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.TaskException;
import io.drover.agent.runtime.TaskExec;
import io.fabric8.kubernetes.api.model.ExecAction;
import java.time.Duration;
import java.util.List;

/**
 * kubelet's exec probe (pkg/probe/exec): runs the command inside the container ({@link TaskExec}:
 * its environment, working directory and cgroup) and passes on exit code 0; the output (at most
 * 10 KiB) is the event's text; a command that outlives the timeout is killed and fails
 * (ExecProbeTimeout, on by default since 1.20).
 */
final class ExecProber {
    private final Runtime runtime;

    ExecProber(Runtime runtime) {
        this.runtime = runtime;
    }

    ProbeResult probe(ProbeTarget target, ExecAction action, Duration timeout) throws InterruptedException {
        List<String> command = action.getCommand() == null ? List.of() : action.getCommand();
        if (command.isEmpty() || command.get(0).isEmpty()) {
            return ProbeResult.error("exec probe of container " + target.container().getName() + " has no command");
        }
        if (!(runtime instanceof TaskExec exec)) {
            return ProbeResult.error("runtime " + runtime.capabilities().name() + " cannot exec into containers");
        }
        TaskExec.ExecResult result;
        try {
            result = exec.exec(target.instance().handle(), command, timeout);
        } catch (TaskException e) {
            return ProbeResult.error(e.getMessage());
        }
        if (result.timedOut()) {
            return ProbeResult.failure("command " + GoValues.quote(String.join(" ", command)) + " timed out");
        }
        return result.exitCode() == 0 ? ProbeResult.success(result.output()) : ProbeResult.failure(result.output());
    }
}
