package io.drover.workload;

import io.drover.controller.Controller;
import io.drover.controller.EventHandlers;
import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Selectors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Wires the ReplicaSet and Deployment controllers to the pod, ReplicaSet and Deployment informers:
 * an event enqueues the object's controlling owner, or, for an orphan, every owner whose selector
 * takes it (so it can be adopted). The pod handlers also settle the ReplicaSet expectations.
 */
public final class WorkloadControllers {
    private WorkloadControllers() {}

    /**
     * Registers both controllers. {@code newController} makes a named controller that the caller
     * starts and stops; the informers are the caller's too and must be started by it.
     */
    public static void register(KubernetesClient client, SharedIndexInformer<Pod> pods,
            SharedIndexInformer<ReplicaSet> replicaSets, SharedIndexInformer<Deployment> deployments,
            BiFunction<String, Reconciler, Controller> newController) {
        Clock clock = Clock.systemUTC();
        Expectations expectations = new Expectations(clock);
        Controller rsController = newController.apply("replicaset-controller",
                new ReplicaSetController(client, replicaSets, pods, expectations, clock));
        Controller deploymentController = newController.apply("deployment-controller",
                new DeploymentController(client, deployments, replicaSets, pods, clock));
        pods.addEventHandler(new PodHandler(rsController, replicaSets, expectations));
        pods.addEventHandler(new RecreatePodHandler(deploymentController, replicaSets, deployments));
        replicaSets.addEventHandler(new ReplicaSetHandler(rsController, deploymentController, deployments,
                expectations));
        deployments.addEventHandler(EventHandlers.enqueue(deploymentController));
    }

    /** The owner named by {@code object}'s controller reference, if it is of {@code kind} and still the same object. */
    private static <T extends HasMetadata> Optional<T> controllingOwner(HasMetadata object, String kind,
            SharedIndexInformer<T> owners) {
        OwnerReference ref = OwnerRefs.controllerOf(object).orElse(null);
        if (ref == null || !kind.equals(ref.getKind())) {
            return Optional.empty();
        }
        T owner = owners.getStore().getByKey(object.getMetadata().getNamespace() + "/" + ref.getName());
        return owner != null && Objects.equals(owner.getMetadata().getUid(), ref.getUid()) ? Optional.of(owner)
                : Optional.empty();
    }

    /** replica_set.go addPod / updatePod / deletePod. */
    private record PodHandler(Controller rs, SharedIndexInformer<ReplicaSet> replicaSets, Expectations expectations)
            implements ResourceEventHandler<Pod> {
        @Override
        public void onAdd(Pod pod) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                onDelete(pod, false);
                return;
            }
            Optional<ReplicaSet> owner = controllingOwner(pod, "ReplicaSet", replicaSets);
            if (owner.isPresent()) {
                expectations.creationObserved(Keys.of(owner.get()));
                rs.enqueue(Keys.of(owner.get()));
            } else if (OwnerRefs.controllerOf(pod).isEmpty()) {
                enqueueSelecting(pod);
            }
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                return;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                // A terminating pod counts as deleted: its replacement need not wait for it to go.
                onDelete(pod, false);
                if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
                    onDelete(old, false);
                }
                return;
            }
            Optional<ReplicaSet> oldOwner = controllingOwner(old, "ReplicaSet", replicaSets);
            Optional<ReplicaSet> owner = controllingOwner(pod, "ReplicaSet", replicaSets);
            if (oldOwner.isPresent() && !oldOwner.equals(owner)) {
                rs.enqueue(Keys.of(oldOwner.get()));
            }
            if (owner.isPresent()) {
                rs.enqueue(Keys.of(owner.get()));
                Integer minReady = owner.get().getSpec().getMinReadySeconds();
                if (minReady != null && minReady > 0 && !Pods.isReady(old) && Pods.isReady(pod)) {
                    // Ready now, available minReadySeconds later: look again then (updatePod).
                    rs.enqueueAfter(Keys.of(owner.get()), Duration.ofSeconds(minReady + 1L));
                }
            } else if (OwnerRefs.controllerOf(pod).isEmpty()
                    && (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())
                            || OwnerRefs.controllerOf(old).isPresent())) {
                enqueueSelecting(pod);
            }
        }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            controllingOwner(pod, "ReplicaSet", replicaSets).ifPresent(owner -> {
                expectations.deletionObserved(Keys.of(owner), Keys.of(pod));
                rs.enqueue(Keys.of(owner));
            });
        }

        private void enqueueSelecting(Pod pod) {
            for (ReplicaSet candidate : replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                    pod.getMetadata().getNamespace())) {
                if (Selectors.matches(candidate.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                    rs.enqueue(Keys.of(candidate));
                }
            }
        }
    }

    /**
     * deployment_controller.go deletePod: a Recreate Deployment waits for its old pods to be gone
     * before it scales the new ReplicaSet up, so a pod's deletion is its cue.
     */
    private record RecreatePodHandler(Controller deployment, SharedIndexInformer<ReplicaSet> replicaSets,
            SharedIndexInformer<Deployment> deployments) implements ResourceEventHandler<Pod> {
        @Override
        public void onAdd(Pod pod) { }

        @Override
        public void onUpdate(Pod old, Pod pod) { }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            controllingOwner(pod, "ReplicaSet", replicaSets)
                    .flatMap(rs -> controllingOwner(rs, "Deployment", deployments))
                    .filter(d -> !DeploymentStatuses.isRollingUpdate(d))
                    .ifPresent(d -> deployment.enqueue(Keys.of(d)));
        }
    }

    /** ReplicaSet events: the RS itself, and its Deployment (deployment_controller.go add/update/deleteReplicaSet). */
    private record ReplicaSetHandler(Controller rs, Controller deployment, SharedIndexInformer<Deployment> deployments,
            Expectations expectations) implements ResourceEventHandler<ReplicaSet> {
        @Override
        public void onAdd(ReplicaSet obj) {
            rs.enqueue(Keys.of(obj));
            enqueueDeployments(obj, null);
        }

        @Override
        public void onUpdate(ReplicaSet old, ReplicaSet obj) {
            rs.enqueue(Keys.of(obj));
            enqueueDeployments(obj, old);
        }

        @Override
        public void onDelete(ReplicaSet obj, boolean finalStateUnknown) {
            expectations.forget(Keys.of(obj));
            controllingOwner(obj, "Deployment", deployments).ifPresent(d -> deployment.enqueue(Keys.of(d)));
        }

        private void enqueueDeployments(ReplicaSet obj, ReplicaSet old) {
            if (old != null) {
                Optional<Deployment> oldOwner = controllingOwner(old, "Deployment", deployments);
                oldOwner.ifPresent(d -> deployment.enqueue(Keys.of(d)));
            }
            Optional<Deployment> owner = controllingOwner(obj, "Deployment", deployments);
            if (owner.isPresent()) {
                deployment.enqueue(Keys.of(owner.get()));
            } else if (OwnerRefs.controllerOf(obj).isEmpty()) {
                for (Deployment d : deployments.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                        obj.getMetadata().getNamespace())) {
                    if (Selectors.matches(d.getSpec().getSelector(), obj.getMetadata().getLabels())) {
                        deployment.enqueue(Keys.of(d));
                    }
                }
            }
        }
    }
}
