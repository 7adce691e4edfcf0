package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;

/** The three probes a container may have, with what each starts out as (kubelet's worker initialValue). */
public enum ProbeKind {
    /** Failing it kills the container; healthy until proven otherwise. */
    LIVENESS("Liveness", Health.SUCCESS),
    /** Gates the container's {@code ready}; not ready until the first success. */
    READINESS("Readiness", Health.FAILURE),
    /** Gates liveness and readiness, and {@code started}; unknown until it decides. */
    STARTUP("Startup", Health.UNKNOWN);

    private final String title;
    private final Health initial;

    ProbeKind(String title, Health initial) {
        this.title = title;
        this.initial = initial;
    }

    /** The word kubelet's events start with: "Liveness probe failed: ...". */
    String title() {
        return title;
    }

    Health initial() {
        return initial;
    }

    /** This kind's probe of the container, or null when it has none. */
    Probe of(Container c) {
        return switch (this) {
            case LIVENESS -> c.getLivenessProbe();
            case READINESS -> c.getReadinessProbe();
            case STARTUP -> c.getStartupProbe();
        };
    }
}
