package io.drover.workload;

import io.drover.controller.Informers;
import io.drover.controller.Controller;
import io.drover.controller.EventHandlers;
import io.drover.controller.EventRecorder;
import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Selectors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Wires the disruption controller: a budget is looked at again when it changes, when a pod it
 * selects (before or after the change) changes, and when a ReplicaSet or Deployment of its
 * namespace changes (its scale is the expected pod count).
 */
public final class DisruptionControllers {
    private DisruptionControllers() {}

    /** Registers the controller; returns the budgets' informer, which the caller starts and stops. */
    public static SharedIndexInformer<PodDisruptionBudget> register(KubernetesClient client,
            SharedIndexInformer<Pod> pods, SharedIndexInformer<ReplicaSet> replicaSets,
            SharedIndexInformer<Deployment> deployments, BiFunction<String, Reconciler, Controller> newController) {
        Clock clock = Clock.systemUTC();
        SharedIndexInformer<PodDisruptionBudget> budgets = Informers.keepWatching(client.policy().v1().podDisruptionBudget()
                .inAnyNamespace().runnableInformer(0));
        DisruptionController reconciler = new DisruptionController(client, budgets, pods, replicaSets, deployments,
                new EventRecorder(client, "controllermanager", null, clock), clock);
        Controller controller = newController.apply("disruption-controller", reconciler);
        budgets.addEventHandler(EventHandlers.enqueue(controller));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                enqueueSelecting(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                enqueueSelecting(before);
                enqueueSelecting(after);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                enqueueSelecting(pod);
            }

            private void enqueueSelecting(Pod pod) {
                for (PodDisruptionBudget pdb : budgets.getStore().list()) {
                    if (pdb.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                            && pdb.getSpec() != null
                            && Selectors.matches(pdb.getSpec().getSelector(), pod.getMetadata().getLabels())) {
                        controller.enqueue(Keys.of(pdb));
                    }
                }
            }
        });
        Consumer<HasMetadata> scaleChanged = owner -> {
            for (PodDisruptionBudget pdb : budgets.getStore().list()) {
                if (pdb.getMetadata().getNamespace().equals(owner.getMetadata().getNamespace())) {
                    controller.enqueue(Keys.of(pdb));
                }
            }
        };
        replicaSets.addEventHandler(EventHandlers.onChange(scaleChanged::accept));
        deployments.addEventHandler(EventHandlers.onChange(scaleChanged::accept));
        return budgets;
    }
}
