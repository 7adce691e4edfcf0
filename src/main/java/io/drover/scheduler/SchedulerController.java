package io.drover.scheduler;

import io.drover.controller.Informers;
import io.drover.controller.Controller;
import io.drover.controller.EventHandlers;
import io.drover.controller.EventsV1Recorder;
import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.drover.json.MetaTime;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default scheduler as a reconciler of pods: a pending pod without a node is placed by
 * {@link Scheduler} on a snapshot of the informer caches and bound through the API.
 *
 * <p>A bind is an ordinary update of spec.nodeName carrying the pod's resourceVersion (fabric8 has
 * no call for the pods/binding subresource, which other schedulers can use): a concurrent change
 * fails it with 409 and the pod is retried. Until the informer shows a bind, the pod is "assumed" on its node (as in
 * kube-scheduler's cache), so the next decision already counts it; deciding is serialized for the
 * same reason. A pod that fits nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling
 * event once per distinct message, and is looked at again when nodes or bound pods change and
 * every {@link #RETRY}. A pod with scheduling gates is left alone, with no condition and no event, until
 * the update that removes its last gate enqueues it.
 */
public final class SchedulerController implements Reconciler {
    public static final String NAME = "default-scheduler";
    private static final Logger log = LoggerFactory.getLogger(SchedulerController.class);
    static final Duration RETRY = Duration.ofSeconds(10);
    /** PrioritySort's Less: priority descending, then creation (the pod's first queueing) ascending. */
    private static final Comparator<Pod> QUEUE_ORDER = Comparator
            .comparingInt((Pod p) -> p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority()).reversed()
            .thenComparing(p -> PodFields.text(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName());
    /** The work queue key that stands for every pending pod that depends on other pods (no pod key lacks a '/'). */
    private static final String REQUEUE_DEPENDENTS = "pods-that-depend-on-other-pods";
    private static final Duration DEPENDENTS_BATCH = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Namespace> namespaces;
    private final Scheduler scheduler;
    private final Clock clock;
    private final EventsV1Recorder events;
    private final SnapshotReader reader = new SnapshotReader();
    private final Map<String, Assumed> assumed = new ConcurrentHashMap<>();
    private final Object decisions = new Object();
    private final java.util.concurrent.atomic.AtomicBoolean dependentsRequeued = new java.util.concurrent.atomic.AtomicBoolean();
    /** This reconciler's controller, which the batched requeue of dependent pods enqueues on. */
    private Controller controller;

    private record Assumed(String uid, String node) {}

    SchedulerController(KubernetesClient client, SharedIndexInformer<Pod> pods, SharedIndexInformer<Node> nodes,
            SharedIndexInformer<Namespace> namespaces, Scheduler scheduler, Clock clock) {
        this.client = client;
        this.pods = pods;
        this.nodes = nodes;
        this.namespaces = namespaces;
        this.scheduler = scheduler;
        this.clock = clock;
        this.events = new EventsV1Recorder(client, NAME, clock);
    }

    /**
     * The scheduler's controller on the shared pod and namespace informers (the namespaces' labels answer pod
     * affinity terms' namespaceSelector) and a node informer of its own, which is added to {@code informers} for
     * the caller to start (and wait for) with its own; the caller starts and closes the controller.
     */
    public static Controller create(KubernetesClient client, SharedIndexInformer<Pod> pods,
            SharedIndexInformer<Namespace> namespaces, List<? super SharedIndexInformer<?>> informers) {
        SharedIndexInformer<Node> nodes = Informers.keepWatching(client.nodes().runnableInformer(0));
        SchedulerController scheduler = new SchedulerController(client, pods, nodes, namespaces, Scheduler.defaults(),
                Clock.systemUTC());
        // One worker, as kube's one scheduling cycle: pods are decided in the queue's order (PrioritySort), so room
        // that frees up goes to the pod first in it, not to whichever of two workers wins the decision lock. Binds
        // run in the background, as kube's binding cycles.
        Controller controller = new Controller(NAME, scheduler, 1);
        scheduler.controller = controller;
        pods.addEventHandler(scheduler.podHandler(controller));
        nodes.addEventHandler(EventHandlers.onChange(node -> scheduler.pendingPods().forEach(controller::enqueue)));
        namespaces.addEventHandler(EventHandlers.onChange(
                namespace -> scheduler.requeueDependents()));
        informers.add(nodes);
        return controller;
    }

    @Override
    public Result reconcile(String key) {
        if (key.equals(REQUEUE_DEPENDENTS)) {
            dependentsRequeued.set(false);
            pendingPods(SchedulerController::dependsOnOtherPods).forEach(controller::enqueue);
            return Result.done();
        }
        Pod pod = pods.getStore().getByKey(key);
        if (pod == null || !isOurs(pod) || pod.getMetadata().getDeletionTimestamp() != null
                || PodFields.isTerminal(pod)) {
            return Result.done();
        }
        if (!PodFields.text(pod.getSpec().getNodeName()).isEmpty()) {
            markScheduled(pod);
            return Result.done();
        }
        Assumed bound = assumed.get(key);
        if (bound != null && bound.uid().equals(pod.getMetadata().getUid())) {
            return Result.done(); // bound already; the informer has not shown it yet
        }
        PodInfo info = reader.pod(pod).orElse(null);
        if (info == null) {
            return Result.done(); // logged; an update of the pod brings it back
        }
        if (!info.schedulingGates().isEmpty()) {
            return Result.done(); // the update that removes the last gate enqueues it again
        }
        Placement placement;
        synchronized (decisions) {
            placement = scheduler.schedule(info, snapshot());
            if (placement instanceof Placement.Bound(String node)) {
                assumed.put(key, new Assumed(pod.getMetadata().getUid(), node));
            }
        }
        return switch (placement) {
            case Placement.Bound(String node) -> bindInBackground(key, pod, node);
            case Placement.Unschedulable(String message) -> markUnschedulable(pod, message);
            case Placement.Gated gated -> Result.done(); // the update that removes the last gate enqueues it again
        };
    }

    /** The informer caches, with the binds they do not show yet. */
    ClusterSnapshot snapshot() {
        return reader.snapshot(nodes.getStore().list(), pods.getStore().list(), namespaces.getStore().list(),
                (pod, info) -> {
                    Assumed bound = assumed.get(Keys.of(pod));
                    return info.nodeName().isEmpty() && bound != null && bound.uid().equals(info.uid())
                            ? info.withNodeName(bound.node()) : info;
                });
    }

    /**
     * kube's binding cycle, apart from the scheduling cycle: the one worker decides the next pod while this one
     * is bound (the assumed binding holds its room meanwhile); a failed bind forgets it and asks again.
     */
    private Result bindInBackground(String key, Pod pod, String node) {
        Thread.ofVirtual().name("scheduler-bind-" + key).start(() -> {
            try {
                bind(key, pod, node);
            } catch (RuntimeException e) {
                log.debug("binding {} to {} failed, will retry: {}", key, node, e.toString());
                controller.enqueueRateLimited(key);
            }
        });
        return Result.done();
    }

    private void bind(String key, Pod pod, String node) {
        Pod bound;
        try {
            Pod copy = client.getKubernetesSerialization().clone(pod);
            copy.getSpec().setNodeName(node);
            bound = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).update();
        } catch (RuntimeException e) {
            assumed.remove(key);
            throw e;
        }
        events.normal(pod, "Scheduled", "Binding", "Successfully assigned " + key + " to " + node);
        markScheduled(bound);
    }

    private void markScheduled(Pod pod) {
        PodCondition current = condition(pod);
        if (current != null && "True".equals(current.getStatus())) {
            return;
        }
        writeCondition(pod, new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                .withLastTransitionTime(MetaTime.now(clock)).build());
    }

    private Result markUnschedulable(Pod pod, String message) {
        PodCondition current = condition(pod);
        if (current != null && "False".equals(current.getStatus()) && "Unschedulable".equals(current.getReason())
                && message.equals(current.getMessage())) {
            return Result.requeueAfter(RETRY); // already said; say it again only when it changes
        }
        String since = current != null && "False".equals(current.getStatus()) ? current.getLastTransitionTime()
                : MetaTime.now(clock);
        writeCondition(pod, new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage(message).withLastTransitionTime(since).build());
        events.warning(pod, "FailedScheduling", "Scheduling", message);
        return Result.requeueAfter(RETRY);
    }

    private void writeCondition(Pod pod, PodCondition condition) {
        Pod copy = client.getKubernetesSerialization().clone(pod);
        if (copy.getStatus() == null) {
            copy.setStatus(new PodStatus());
        }
        PodStatus status = copy.getStatus();
        if (PodFields.text(status.getPhase()).isEmpty()) {
            status.setPhase("Pending");
        }
        List<PodCondition> conditions = new ArrayList<>(PodFields.list(status.getConditions()));
        conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
        conditions.add(condition);
        status.setConditions(conditions);
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
    }

    private ResourceEventHandler<Pod> podHandler(Controller controller) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(null, pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                changed(oldPod, newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                assumed.remove(Keys.of(pod));
                if (holdsNode(pod)) {
                    pendingPods().forEach(controller::enqueue); // its resources and ports are free again
                }
            }

            private void changed(Pod oldPod, Pod pod) {
                String key = Keys.of(pod);
                if (!PodFields.text(pod.getSpec().getNodeName()).isEmpty()) {
                    assumed.remove(key);
                }
                if (oldPod != null && holdsNode(oldPod) && !holdsNode(pod)) {
                    pendingPods().forEach(controller::enqueue);
                } else if (holdsNode(pod) && (oldPod == null || !holdsNode(oldPod)
                        || !Objects.equals(oldPod.getMetadata().getLabels(), pod.getMetadata().getLabels()))) {
                    // A pod that arrives on a node (or is relabelled there) may be the one a pending pod's
                    // affinity waits for, or lift the minimum of a spread constraint.
                    requeueDependents();
                }
                if (isOurs(pod)) {
                    controller.enqueue(key);
                }
            }
        };
    }

    /** The keys of our pods that wait for a node. */
    List<String> pendingPods() {
        return pendingPods(pod -> true);
    }

    /**
     * The keys of our pods that wait for a node and {@code which} selects, in the order kube's scheduling
     * queue pops them (PrioritySort: higher priority first, then the longest waiting), so that room that
     * frees up goes to them in that order; gated pods wait for an update instead.
     */
    private List<String> pendingPods(Predicate<Pod> which) {
        return pods.getStore().list().stream()
                .filter(p -> isOurs(p) && PodFields.text(p.getSpec().getNodeName()).isEmpty()
                        && PodFields.list(p.getSpec().getSchedulingGates()).isEmpty() && which.test(p))
                .sorted(QUEUE_ORDER).map(Keys::of).toList();
    }

    /**
     * Enqueues the pending pods whose placement depends on other pods, at most once a second: during a rollout
     * every pod that lands on a node would otherwise run each of them again, each run a full snapshot.
     */
    private void requeueDependents() {
        if (dependentsRequeued.compareAndSet(false, true)) {
            controller.enqueueAfter(REQUEUE_DEPENDENTS, DEPENDENTS_BATCH);
        }
    }

    /**
     * Whether where the pod may go depends on the labels of the pods already bound (and of their namespaces): pod
     * affinity or anti-affinity, or topology spread.
     */
    private static boolean dependsOnOtherPods(Pod pod) {
        var affinity = pod.getSpec().getAffinity();
        boolean required = affinity != null && (affinity.getPodAffinity() != null
                && !PodFields.list(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty()
                || affinity.getPodAntiAffinity() != null && !PodFields.list(
                        affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty());
        return required || PodFields.list(pod.getSpec().getTopologySpreadConstraints()).stream()
                .anyMatch(c -> c != null && "DoNotSchedule".equals(c.getWhenUnsatisfiable()));
    }

    private static boolean holdsNode(Pod pod) {
        return !PodFields.text(pod.getSpec().getNodeName()).isEmpty() && !PodFields.isTerminal(pod);
    }

    static boolean isOurs(Pod pod) {
        String name = pod.getSpec() == null ? "" : PodFields.text(pod.getSpec().getSchedulerName());
        return pod.getSpec() != null && (name.isEmpty() || name.equals(NAME));
    }

    private static PodCondition condition(Pod pod) {
        return pod.getStatus() == null ? null : PodFields.list(pod.getStatus().getConditions()).stream()
                .filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElse(null);
    }

}
