package io.drover.agent.probe;

import java.time.Instant;

/**
 * One probe of one container, as a state machine without I/O or threads: kubelet's prober worker
 * (pkg/kubelet/prober/worker.go, doProbe) with the probing taken out. Before each tick the worker
 * asks {@link #before} whether to probe; a probe's verdict goes to {@link #record}; {@link
 * #publishedFor} is what the rest of the agent sees.
 *
 * <p>The rules, all kubelet's:
 *
 * <ul>
 *   <li>A new container instance starts at the kind's initial value (liveness passing, readiness
 *       failing, startup unknown) and clears the hold.
 *   <li>A container that does not run is failing.
 *   <li>Nothing is probed during initialDelaySeconds after the container started; liveness and
 *       readiness wait until the container has started (its startup probe passed), and the startup
 *       probe stops once it has.
 *   <li>A verdict is published only after failureThreshold (successThreshold) equal verdicts in a
 *       row.
 *   <li>A published liveness or startup failure puts the probe on hold until the next instance:
 *       the container is being killed, and probing it again could only repeat the kill.
 *   <li>While the pod is being deleted, liveness and startup count as passing, so a container in its
 *       grace period is not killed a second time.
 * </ul>
 *
 * Thread-safe: the worker writes, the pod's reconcile reads.
 */
final class ProbeState {
    enum Step {
        /** Run the probe now and {@link #record} what it says. */
        PROBE,
        /** Nothing to probe this tick. */
        WAIT
    }

    private final ProbeKind kind;
    private final ProbeSettings settings;
    private String instance;
    private Health published;
    private boolean onHold;
    private Health lastResult;
    private int resultRun;

    ProbeState(ProbeKind kind, ProbeSettings settings) {
        this.kind = kind;
        this.settings = settings;
        this.published = kind.initial();
    }

    /**
     * Takes in where the container stands and says whether to probe.
     *
     * @param running the running instance's id, or null when the container does not run
     * @param startedAt when that instance started
     * @param started whether that instance has started (no startup probe, or it passed)
     * @param podDeleting whether the pod is being deleted
     */
    synchronized Step before(String running, Instant startedAt, boolean started, boolean podDeleting, Instant now) {
        if (running != null && !running.equals(instance)) {
            instance = running;
            published = kind.initial();
            onHold = false;
            lastResult = null;
            resultRun = 0;
        }
        if (onHold) {
            return Step.WAIT;
        }
        if (running == null) {
            if (instance != null) {
                published = Health.FAILURE;
            }
            return Step.WAIT;
        }
        if (podDeleting && kind != ProbeKind.READINESS) {
            published = Health.SUCCESS;
            return Step.WAIT;
        }
        if (now.isBefore(startedAt.plus(settings.initialDelay()))) {
            return Step.WAIT;
        }
        if (kind == ProbeKind.STARTUP ? started : !started) {
            return Step.WAIT;
        }
        return Step.PROBE;
    }

    /** Counts a probe's verdict ({@link Health#SUCCESS} or {@link Health#FAILURE}) towards its threshold. */
    synchronized void record(Health result) {
        if (result == Health.UNKNOWN) {
            throw new IllegalArgumentException("result: UNKNOWN (expected: SUCCESS or FAILURE)");
        }
        if (result == lastResult) {
            resultRun++;
        } else {
            lastResult = result;
            resultRun = 1;
        }
        if ((result == Health.FAILURE && resultRun < settings.failureThreshold())
                || (result == Health.SUCCESS && resultRun < settings.successThreshold())) {
            return;
        }
        published = result;
        if (kind != ProbeKind.READINESS && result == Health.FAILURE) {
            onHold = true;
            resultRun = 0;
        }
    }

    /**
     * What this probe says of instance {@code id}: the published verdict once the worker has seen
     * that instance, the kind's initial value before.
     */
    synchronized Health publishedFor(String id) {
        return id != null && id.equals(instance) ? published : kind.initial();
    }

    ProbeKind kind() {
        return kind;
    }

    ProbeSettings settings() {
        return settings;
    }
}
