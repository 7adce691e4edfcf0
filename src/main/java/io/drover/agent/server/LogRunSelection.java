package io.drover.agent.server;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.util.List;

/**
 * Which run's log a {@code /containerLogs} request reads, by the kubelet's rules
 * (validateContainerLogStatus): the running or terminated container, or, while it waits to be
 * restarted, the one that last ended; with {@code previous}, the run before the current one (or,
 * while waiting, the one that last ended). Runs are numbered by restart count, which names their
 * log files.
 */
final class LogRunSelection {

    /** The chosen run, or the kubelet's error message. */
    record Choice(int run, String error) {
        static Choice of(int run) {
            return new Choice(run, null);
        }

        static Choice refused(String error) {
            return new Choice(-1, error);
        }
    }

    private LogRunSelection() {}

    static Choice choose(String pod, String container, ContainerStatus status, List<Integer> runs, boolean previous) {
        if (status == null || status.getState() == null) {
            return Choice.refused("container \"" + container + "\" in pod \"" + pod + "\" is not available");
        }
        ContainerState state = status.getState();
        boolean lastEnded = status.getLastState() != null && status.getLastState().getTerminated() != null;
        boolean waiting = state.getRunning() == null && state.getTerminated() == null;
        int newest = runs.isEmpty() ? -1 : runs.get(runs.size() - 1);
        if (previous) {
            // While waiting, the last dead run is the newest log; otherwise it is the one before it.
            int run = waiting ? newest : runs.size() >= 2 ? runs.get(runs.size() - 2) : -1;
            if (!lastEnded || run < 0) {
                return Choice.refused("previous terminated container \"" + container + "\" in pod \"" + pod
                        + "\" not found");
            }
            return Choice.of(run);
        }
        if (waiting && !lastEnded || newest < 0) {
            String reason = state.getWaiting() == null || state.getWaiting().getReason() == null
                    ? "ContainerCreating" : state.getWaiting().getReason();
            return Choice.refused("container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: "
                    + reason);
        }
        return Choice.of(newest);
    }
}
