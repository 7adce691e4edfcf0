package io.drover.scheduler;

import io.drover.pod.PodFields;

/** A node's taint: effect NoSchedule, PreferNoSchedule or NoExecute. */
public record Taint(String key, String value, String effect) {
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    public static Taint of(io.fabric8.kubernetes.api.model.Taint t) {
        return new Taint(PodFields.text(t.getKey()), PodFields.text(t.getValue()), PodFields.text(t.getEffect()));
    }

    /** Whether the scheduler refuses pods that do not tolerate it (PreferNoSchedule only lowers a score). */
    boolean blocksScheduling() {
        return effect.equals(NO_SCHEDULE) || effect.equals(NO_EXECUTE);
    }
}
