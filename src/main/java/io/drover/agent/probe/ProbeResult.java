package io.drover.agent.probe;

/**
 * The outcome of running a probe's handler once, with the text kubelet puts in its events.
 *
 * @param outcome how it went
 * @param output the handler's output: the response body, the command's output, or why it failed
 */
record ProbeResult(Outcome outcome, String output) {

    enum Outcome {
        /** Healthy. */
        SUCCESS,
        /** Healthy with a remark (an HTTP redirect to another host that was not followed). */
        WARNING,
        /** Unhealthy: counts towards failureThreshold. */
        FAILURE,
        /** The probe could not be run at all (a port name that no containerPort has); does not count. */
        ERROR
    }

    ProbeResult {
        output = output == null ? "" : output;
    }

    static ProbeResult success(String output) {
        return new ProbeResult(Outcome.SUCCESS, output);
    }

    static ProbeResult warning(String output) {
        return new ProbeResult(Outcome.WARNING, output);
    }

    static ProbeResult failure(String output) {
        return new ProbeResult(Outcome.FAILURE, output);
    }

    static ProbeResult error(String output) {
        return new ProbeResult(Outcome.ERROR, output);
    }
}
