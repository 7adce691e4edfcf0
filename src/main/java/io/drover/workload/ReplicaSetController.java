package io.drover.workload;

import io.drover.controller.ApiErrors;
import io.drover.controller.EventRecorder;

import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.drover.controller.Selectors;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps {@code spec.replicas} active pods for each ReplicaSet (Kubernetes'
 * pkg/controller/replicaset/replica_set.go syncReplicaSet).
 *
 * <p>One reconcile: read the RS and the namespace's pods from the informer caches; claim the
 * active pods (adopt selected orphans, release owned pods that stopped matching); if the
 * expectations from the last round are met, create or delete the difference; write the status.
 * Pods that are Failed, Succeeded or being deleted are not active, so they are replaced.
 */
final class ReplicaSetController implements Reconciler {
    /** Kubernetes' burstReplicas: at most this many creations or deletions per reconcile. */
    static final int BURST = 500;

    private final KubernetesClient client;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations expectations;
    private final EventRecorder events;
    private final Clock clock;

    ReplicaSetController(KubernetesClient client, SharedIndexInformer<ReplicaSet> replicaSets,
            SharedIndexInformer<Pod> pods, Expectations expectations, Clock clock) {
        this.client = client;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.expectations = expectations;
        this.events = new EventRecorder(client, "replicaset-controller", null, clock);
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) throws Exception {
        ReplicaSet cached = replicaSets.getStore().getByKey(key);
        if (cached == null) {
            expectations.forget(key);
            return Result.done();
        }
        ReplicaSet rs = Copies.of(cached);
        boolean needsSync = expectations.satisfied(key);
        List<Pod> active = pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, rs.getMetadata().getNamespace()).stream()
                .filter(Pods::isActive).toList();
        List<Pod> owned = claim(rs, active);

        Exception manageError = null;
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            try {
                manageReplicas(key, rs, owned);
            } catch (KubernetesClientException e) {
                manageError = e;
            }
        }
        ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, owned, manageError, clock.instant());
        if (ReplicaSetStatuses.changed(rs, status)) {
            writeStatus(rs, status);
        }
        if (manageError != null) {
            throw manageError;
        }
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        if (minReady > 0 && Objects.equals(status.getReadyReplicas(), rs.getSpec().getReplicas())
                && !Objects.equals(status.getAvailableReplicas(), rs.getSpec().getReplicas())) {
            // Ready pods become available only with time: look again when they may have.
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    /** The active pods this RS controls after adopting and releasing (ControllerRefManager.ClaimPods). */
    private List<Pod> claim(ReplicaSet rs, List<Pod> candidates) {
        List<Pod> owned = new ArrayList<>();
        Boolean canAdopt = null;
        for (Pod pod : candidates) {
            switch (OwnerRefs.decide(rs, rs.getSpec().getSelector(), pod)) {
                case KEEP -> owned.add(pod);
                case ADOPT -> {
                    if (canAdopt == null) {
                        canAdopt = canAdopt(rs);
                    }
                    if (canAdopt && adopt(rs, pod)) {
                        owned.add(pod);
                    }
                }
                case RELEASE -> release(rs, pod);
                case IGNORE -> { }
            }
        }
        return owned;
    }

    /** RecheckDeletionTimestamp: adopt only for the RS that is really there and not being deleted. */
    private boolean canAdopt(ReplicaSet rs) {
        ReplicaSet fresh = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), rs.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    private boolean adopt(ReplicaSet rs, Pod cached) {
        Pod pod = Copies.of(cached);
        pod.getMetadata().getOwnerReferences().add(OwnerRefs.controllerRef(rs, "apps/v1", "ReplicaSet"));
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void release(ReplicaSet rs, Pod cached) {
        Pod pod = Copies.of(cached);
        pod.getMetadata().getOwnerReferences().removeIf(o -> Objects.equals(o.getUid(), rs.getMetadata().getUid()));
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).update();
        } catch (KubernetesClientException e) {
            // Gone, or refused because it is being deleted: either way it is no longer ours.
            if (e.getCode() != 404 && e.getCode() != 422) {
                throw e;
            }
        }
    }

    private void manageReplicas(String key, ReplicaSet rs, List<Pod> owned) {
        int diff = owned.size() - rs.getSpec().getReplicas();
        if (diff < 0) {
            int create = Math.min(-diff, BURST);
            expectations.expectCreations(key, create);
            for (int i = 0; i < create; i++) {
                try {
                    Pod created = client.pods().inNamespace(rs.getMetadata().getNamespace())
                            .resource(Pods.fromTemplate(rs)).create();
                    events.normal(rs, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
                } catch (KubernetesClientException e) {
                    // The creations not made will never be observed.
                    for (int j = i; j < create; j++) {
                        expectations.creationObserved(key);
                    }
                    events.warning(rs, "FailedCreate", "Error creating: " + ApiErrors.message(e));
                    throw e;
                }
            }
        } else if (diff > 0) {
            int count = Math.min(diff, BURST);
            List<Pod> related = count < owned.size() ? indirectlyRelatedPods(rs) : List.of();
            List<Pod> doomed = PodDeletionRanking.surplus(owned, related, count, clock.instant());
            Set<String> doomedKeys = new LinkedHashSet<>();
            doomed.forEach(p -> doomedKeys.add(Keys.of(p)));
            expectations.expectDeletions(key, doomedKeys);
            KubernetesClientException failure = null;
            for (Pod pod : doomed) {
                try {
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .delete();
                    events.normal(rs, "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
                } catch (KubernetesClientException e) {
                    expectations.deletionObserved(key, Keys.of(pod));
                    if (e.getCode() != 404) {
                        events.warning(rs, "FailedDelete", "Error deleting: " + ApiErrors.message(e));
                        failure = e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * getIndirectlyRelatedPods: the pods selected by every ReplicaSet with the same controller as
     * {@code rs} (a Deployment's old and new ones), each once; none when {@code rs} has no controller.
     */
    private List<Pod> indirectlyRelatedPods(ReplicaSet rs) {
        String controllerUid = OwnerRefs.controllerOf(rs).map(OwnerReference::getUid).orElse(null);
        if (controllerUid == null) {
            return List.of();
        }
        String namespace = rs.getMetadata().getNamespace();
        List<Pod> inNamespace = pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
        Map<String, Pod> related = new LinkedHashMap<>();
        for (ReplicaSet sibling : replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            if (!OwnerRefs.controllerOf(sibling).map(r -> controllerUid.equals(r.getUid())).orElse(false)) {
                continue;
            }
            for (Pod pod : inNamespace) {
                if (Selectors.matches(sibling.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                    related.putIfAbsent(pod.getMetadata().getUid(), pod);
                }
            }
        }
        return List.copyOf(related.values());
    }

    /** Through the status subresource; one retry on a fresh copy if the cached one was stale. */
    private void writeStatus(ReplicaSet rs, ReplicaSetStatus status) {
        ReplicaSet copy = Copies.of(rs);
        copy.setStatus(status);
        var api = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace());
        try {
            api.resource(copy).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            ReplicaSet fresh = api.withName(rs.getMetadata().getName()).get();
            if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), rs.getMetadata().getUid())) {
                return;
            }
            fresh.setStatus(status);
            api.resource(fresh).updateStatus();
        }
    }
}
