package io.drover.workload;

import io.drover.controller.EventRecorder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Resizes a Deployment's ReplicaSets and records the ScalingReplicaSet event on the Deployment
 * (sync.go scaleReplicaSetAndRecordEvent and scaleReplicaSet). Every resize also stamps the
 * desired-replicas and max-replicas annotations that proportional scaling reads later.
 */
final class ReplicaSetScaler {
    static final String SCALING_REPLICA_SET = "ScalingReplicaSet";

    private final KubernetesClient client;
    private final EventRecorder events;

    ReplicaSetScaler(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** scaleReplicaSetAndRecordEvent: nothing when the size is already right, else up or down. */
    ReplicaSet scaleAndRecord(ReplicaSet rs, int newScale, Deployment d) {
        int current = rs.getSpec().getReplicas();
        if (current == newScale) {
            return rs;
        }
        return scale(rs, newScale, d, current < newScale ? "up" : "down");
    }

    /**
     * scaleReplicaSet: writes the size and the replica annotations when either is stale. The
     * event says {@code operation}, the direction of the whole scaling step (proportional scaling
     * passes one direction for every ReplicaSet it touches, as Kubernetes does).
     */
    ReplicaSet scale(ReplicaSet rs, int newScale, Deployment d, String operation) {
        int replicas = d.getSpec().getReplicas();
        int max = replicas + DeploymentStatuses.maxSurge(d);
        int oldScale = rs.getSpec().getReplicas();
        boolean resize = oldScale != newScale;
        if (!resize && !Revisions.replicasAnnotationsNeedUpdate(rs, replicas, max)) {
            return rs;
        }
        ReplicaSet copy = Copies.of(rs);
        copy.getSpec().setReplicas(newScale);
        Revisions.setReplicasAnnotations(copy, replicas, max);
        ReplicaSet updated = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(copy)
                .update();
        if (resize) {
            // Kubernetes 1.31+ wording (kubernetes#125118): "from <old> to <new>", as the creation event's.
            events.normal(d, SCALING_REPLICA_SET, "Scaled " + operation + " replica set " + rs.getMetadata().getName()
                    + " from " + oldScale + " to " + newScale);
        }
        return updated;
    }
}
