package io.drover.agent.probe;

import java.time.Duration;

/**
 * What the probes say of one running container.
 *
 * @param started its startup probe passed, or it has none (containerStatuses[].started)
 * @param ready it started and its readiness probe passes, or it has none (containerStatuses[].ready)
 * @param failed {@link ProbeKind#LIVENESS} or {@link ProbeKind#STARTUP} when that probe failed and
 *     the container must be killed, else null
 * @param killGrace the grace period of that kill (kubelet's setTerminationGracePeriod), or null
 */
public record ContainerHealth(boolean started, boolean ready, ProbeKind failed, Duration killGrace) {

    /** A container that does not run. */
    public static final ContainerHealth NOT_RUNNING = new ContainerHealth(false, false, null, null);

    /** A running container without probes. */
    public static final ContainerHealth UNPROBED = new ContainerHealth(true, true, null, null);

    /**
     * The message of the Killing event for the failed probe's kill, as kubelet words it:
     * "Container x failed liveness probe, will be restarted".
     */
    public String killMessage(String container, boolean willRestart) {
        if (failed == null) {
            throw new IllegalStateException("no probe failed for container " + container);
        }
        return "Container " + container + " failed " + failed.name().toLowerCase(java.util.Locale.ROOT) + " probe"
                + (willRestart ? ", will be restarted" : "");
    }

    /** This health, not ready: a deleted pod that stops serving before it is stopped. */
    public ContainerHealth notReady() {
        return new ContainerHealth(started, false, failed, killGrace);
    }
}
