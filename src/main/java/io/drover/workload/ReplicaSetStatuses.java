package io.drover.workload;

import io.drover.controller.ApiErrors;
import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A ReplicaSet's status from the active pods it owns (replica_set_utils.go calculateStatus). */
final class ReplicaSetStatuses {
    static final String REPLICA_FAILURE = "ReplicaFailure";

    private ReplicaSetStatuses() {}

    /**
     * The status to write: counts over {@code pods} (the active pods the RS owns), the
     * ReplicaFailure condition set when managing replicas failed and removed when it succeeded,
     * and observedGeneration = the RS's generation.
     */
    static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> pods, Exception manageError, Instant now) {
        ReplicaSetStatus status = rs.getStatus() == null ? new ReplicaSetStatus() : Copies.of(rs.getStatus());
        Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata() == null ? Map.of()
                : rs.getSpec().getTemplate().getMetadata().getLabels();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
            if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReady, now)) {
                    available++;
                }
            }
        }
        List<ReplicaSetCondition> conditions = status.getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(status.getConditions());
        boolean hasFailure = conditions.stream().anyMatch(c -> REPLICA_FAILURE.equals(c.getType()));
        if (manageError != null && !hasFailure) {
            int diff = pods.size() - rs.getSpec().getReplicas();
            String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            conditions.add(new ReplicaSetConditionBuilder().withType(REPLICA_FAILURE).withStatus("True")
                    .withReason(reason).withMessage(ApiErrors.message(manageError))
                    .withLastTransitionTime(MetaTime.format(now)).build());
        } else if (manageError == null && hasFailure) {
            conditions.removeIf(c -> REPLICA_FAILURE.equals(c.getType()));
        }
        status.setConditions(conditions);
        status.setReplicas(pods.size()); // the one count of ReplicaSetStatus that is not omitempty
        status.setFullyLabeledReplicas(DeploymentStatuses.omitZero(fullyLabeled));
        status.setReadyReplicas(DeploymentStatuses.omitZero(ready));
        status.setAvailableReplicas(DeploymentStatuses.omitZero(available));
        status.setObservedGeneration(rs.getMetadata().getGeneration());
        return status;
    }

    /** Whether writing {@code next} would change anything (replica_set.go updateReplicaSetStatus). */
    static boolean changed(ReplicaSet rs, ReplicaSetStatus next) {
        ReplicaSetStatus cur = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        return !eq(cur.getReplicas(), next.getReplicas()) || !eq(cur.getFullyLabeledReplicas(), next.getFullyLabeledReplicas())
                || !eq(cur.getReadyReplicas(), next.getReadyReplicas())
                || !eq(cur.getAvailableReplicas(), next.getAvailableReplicas())
                || !eq(cur.getObservedGeneration(), next.getObservedGeneration())
                || !conditions(cur).equals(conditions(next));
    }

    private static List<ReplicaSetCondition> conditions(ReplicaSetStatus s) {
        return s.getConditions() == null ? List.of() : s.getConditions();
    }

    private static boolean eq(Number a, Number b) {
        return (a == null ? 0L : a.longValue()) == (b == null ? 0L : b.longValue());
    }
}
