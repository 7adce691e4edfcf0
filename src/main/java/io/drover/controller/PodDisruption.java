package io.drover.controller;

import io.drover.json.MetaTime;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a controller writes on a pod it is about to delete, through the status subresource, so that its owner (a Job's
 * pod failure policy, a human reading {@code kubectl describe}) can tell a disruption from a failure: the
 * {@code DisruptionTarget} condition, and for a pod no kubelet will ever finish, phase Failed (kube's PodGC
 * markFailedAndDeletePodWithCondition, the taint eviction controller's addConditionAndDeletePod).
 */
final class PodDisruption {
    static final String DISRUPTION_TARGET = "DisruptionTarget";

    private PodDisruption() {}

    /** The DisruptionTarget condition (True) with {@code reason} and {@code message}. */
    static PodCondition target(String reason, String message) {
        return new PodConditionBuilder().withType(DISRUPTION_TARGET).withStatus("True").withReason(reason)
                .withMessage(message).build();
    }

    /**
     * Sets {@code condition} on the pod, and phase Failed when {@code fail}; with {@code fail}, a pod that has
     * finished is left as it is. Nothing is written when that changes nothing. A pod gone meanwhile is fine.
     */
    static void mark(KubernetesClient client, Pod pod, PodCondition condition, boolean fail, Instant now) {
        if (fail && PodFields.isTerminal(pod)) {
            return; // PodGC marks only a pod that has not finished (markFailedAndDeletePodWithCondition)
        }
        if (!changes(pod.getStatus(), condition, fail)) {
            return;
        }
        String stamp = MetaTime.format(now);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        if (!pod.getMetadata().getUid().equals(p.getMetadata().getUid())) {
                            return p; // another pod under the name: not ours to mark
                        }
                        if (p.getStatus() == null) {
                            p.setStatus(new PodStatus());
                        }
                        if (fail && PodFields.isTerminal(p)) {
                            return p;
                        }
                        if (fail) {
                            p.getStatus().setPhase("Failed");
                        }
                        if (condition != null) {
                            p.getStatus().setConditions(updated(p.getStatus().getConditions(), condition, stamp));
                        }
                        return p;
                    });
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
        }
    }

    private static boolean changes(PodStatus status, PodCondition condition, boolean fail) {
        if (status == null) {
            return true;
        }
        if (fail && !PodFields.isTerminal(status.getPhase())) {
            return true;
        }
        if (condition == null) {
            return false;
        }
        List<PodCondition> conditions = status.getConditions() == null ? List.of() : status.getConditions();
        return conditions.stream().noneMatch(c -> condition.getType().equals(c.getType())
                && condition.getStatus().equals(c.getStatus()) && condition.getReason().equals(c.getReason())
                && condition.getMessage().equals(c.getMessage()));
    }

    /** apipod.UpdatePodCondition: the condition replaced or added; its transition time moves only with its status. */
    private static List<PodCondition> updated(List<PodCondition> current, PodCondition condition, String stamp) {
        List<PodCondition> out = new ArrayList<>(current == null ? List.of() : current);
        PodCondition next = new PodConditionBuilder(condition).withLastTransitionTime(stamp).build();
        for (int i = 0; i < out.size(); i++) {
            PodCondition old = out.get(i);
            if (condition.getType().equals(old.getType())) {
                if (condition.getStatus().equals(old.getStatus())) {
                    next.setLastTransitionTime(old.getLastTransitionTime());
                }
                out.set(i, next);
                return out;
            }
        }
        out.add(next);
        return out;
    }
}
