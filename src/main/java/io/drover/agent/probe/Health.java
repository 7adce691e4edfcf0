package io.drover.agent.probe;

/** What a probe currently says of a container (kubelet's results.Result). */
enum Health {
    /** Not decided yet: a startup probe before its threshold is reached. */
    UNKNOWN,
    SUCCESS,
    FAILURE
}
