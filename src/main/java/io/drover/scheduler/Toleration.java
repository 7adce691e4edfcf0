package io.drover.scheduler;

import io.drover.pod.PodFields;

/** A pod's toleration; an empty effect matches every effect, an empty key with Exists every taint. */
public record Toleration(String key, String operator, String value, String effect) {

    public static Toleration of(io.fabric8.kubernetes.api.model.Toleration t) {
        return new Toleration(PodFields.text(t.getKey()), PodFields.text(t.getOperator()), PodFields.text(t.getValue()),
                PodFields.text(t.getEffect()));
    }

    /** Kubernetes' ToleratesTaint (k8s.io/api/core/v1/toleration.go). */
    public boolean tolerates(Taint taint) {
        if (!effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if (!key.isEmpty() && !key.equals(taint.key())) {
            return false;
        }
        return switch (operator) {
            case "Exists" -> true;
            case "", "Equal" -> value.equals(taint.value());
            default -> false;
        };
    }
}
