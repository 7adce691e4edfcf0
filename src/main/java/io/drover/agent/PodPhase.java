package io.drover.agent;

import java.util.List;

/** The kubelet's rules for a pod's phase from its containers' states (kubelet getPhase). */
final class PodPhase {
    /** Where one container stands, as far as the phase is concerned. */
    enum Container {
        /** Not started yet, or cannot be started; never ran. */
        WAITING,
        /** Its task runs. */
        RUNNING,
        /** It ended with exit code 0 and is not being restarted, or waits to restart after such an exit. */
        SUCCEEDED,
        /** It ended with another exit code (or waits to restart after that). */
        FAILED
    }

    private PodPhase() {}

    static String of(String restartPolicy, List<Container> containers) {
        int waiting = 0;
        int running = 0;
        int succeeded = 0;
        int stopped = 0;
        for (Container c : containers) {
            switch (c) {
                case WAITING -> waiting++;
                case RUNNING -> running++;
                case SUCCEEDED -> {
                    succeeded++;
                    stopped++;
                }
                case FAILED -> stopped++;
            }
        }
        if (waiting > 0 || containers.isEmpty()) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        return switch (restartPolicy == null || restartPolicy.isEmpty() ? "Always" : restartPolicy) {
            case "Never" -> stopped == succeeded ? "Succeeded" : "Failed";
            case "OnFailure" -> stopped == succeeded ? "Succeeded" : "Running";
            default -> "Running";
        };
    }
}
