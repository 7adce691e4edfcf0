package io.drover.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Deleting a pod at once, as the kubelet and the pod garbage collector do once nothing is left to wait for. */
public final class PodDeletion {
    private PodDeletion() {}

    /** Deletes {@code pod} with grace period 0; a pod that is already gone is fine. */
    public static void now(KubernetesClient client, Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
