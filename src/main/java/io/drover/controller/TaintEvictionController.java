package io.drover.controller;

import io.drover.scheduler.Taint;
import io.drover.scheduler.Toleration;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's taint eviction controller (pkg/controller/tainteviction), keyed by node name: a pod bound
 * to a node with NoExecute taints is deleted at once when some taint has no matching toleration, after the shortest
 * tolerationSeconds of the tolerations used when all are tolerated, never when none of those sets seconds. The
 * unreachable taint of {@link NodeLifecycleController} is one of them (DefaultTolerationSeconds gives 300 s).
 *
 * <p>As there, a timed eviction counts from when this controller first found it due (not from the taint's timeAdded:
 * a controller that starts gives every pod its full toleration) and keeps its time until it is cancelled: by the
 * taints going, by the pod tolerating them for ever, or by the pod going ("Cancelling deletion of Pod ns/name").
 */
final class TaintEvictionController implements Reconciler {
    static final String COMPONENT = "taint-eviction-controller";
    private static final String REASON = "TaintManagerEviction";

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Pod> pods;
    private final Clock clock;
    private final EventRecorder events;
    /** Per node, per pod key: the timed evictions scheduled (kube's TimedWorkerQueue). */
    private final Map<String, Map<String, Scheduled>> scheduled = new ConcurrentHashMap<>();

    private record Scheduled(String uid, Instant fireAt) {}

    TaintEvictionController(KubernetesClient client, SharedIndexInformer<Node> nodes, SharedIndexInformer<Pod> pods,
            Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.pods = pods;
        this.clock = clock;
        this.events = new EventRecorder(client, COMPONENT, null, clock);
    }

    @Override
    public Result reconcile(String nodeName) {
        Node node = nodes.getStore().getByKey(nodeName);
        List<Taint> taints = node == null ? List.of() : noExecuteTaints(node);
        Map<String, Scheduled> onNode = scheduled.computeIfAbsent(nodeName, n -> new ConcurrentHashMap<>());
        if (taints.isEmpty() && onNode.isEmpty()) {
            scheduled.remove(nodeName);
            return Result.done(); // the common case, without a look at every pod
        }
        Map<String, Pod> bound = new HashMap<>();
        pods.getStore().list().stream().filter(p -> p.getSpec() != null && nodeName.equals(p.getSpec().getNodeName()))
                .forEach(p -> bound.put(Keys.of(p), p));
        List.copyOf(onNode.keySet()).stream().filter(key -> bound.get(key) == null
                || !bound.get(key).getMetadata().getUid().equals(onNode.get(key).uid()))
                .forEach(key -> cancel(onNode, key));
        Instant now = clock.instant();
        Duration next = null;
        for (Pod pod : bound.values()) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue; // already on its way out (an eviction that fired, or anyone's delete)
            }
            String key = Keys.of(pod);
            Optional<Duration> tolerated = tolerationTime(pod, taints);
            if (tolerated.isEmpty()) {
                cancel(onNode, key);
                continue;
            }
            if (tolerated.get().isZero()) {
                cancel(onNode, key); // processPodOnNode: a deletion at once replaces a timed one
            }
            Instant fireAt = tolerated.get().isZero() ? now : onNode.computeIfAbsent(key,
                    k -> new Scheduled(pod.getMetadata().getUid(), now.plus(tolerated.get()))).fireAt();
            if (fireAt.isAfter(now)) {
                Duration left = Duration.between(now, fireAt);
                next = next == null || left.compareTo(next) < 0 ? left : next;
                continue;
            }
            evict(pod, now);
            onNode.remove(key); // only once done: a failed write comes back (retried) still due
        }
        if (onNode.isEmpty()) {
            scheduled.remove(nodeName);
        }
        return next == null ? Result.done() : Result.requeueAfter(next);
    }

    /** getNoExecuteTaints. */
    static List<Taint> noExecuteTaints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints().stream().filter(Objects::nonNull).map(Taint::of)
                        .filter(t -> Taint.NO_EXECUTE.equals(t.effect())).toList();
    }

    /**
     * How long {@code pod} may stay on a node with these NoExecute taints: empty for ever (no taints, or no used
     * toleration sets seconds), zero when some taint is not tolerated. v1helper.GetMatchingTolerations uses the first
     * toleration that matches each taint; getMinTolerationTime takes the least of their seconds (none above 0 is 0).
     */
    static Optional<Duration> tolerationTime(Pod pod, List<Taint> noExecute) {
        List<io.fabric8.kubernetes.api.model.Toleration> tolerations = pod.getSpec().getTolerations() == null
                ? List.of() : pod.getSpec().getTolerations().stream().filter(Objects::nonNull).toList();
        Long least = null;
        for (Taint taint : noExecute) {
            Optional<io.fabric8.kubernetes.api.model.Toleration> used = tolerations.stream()
                    .filter(t -> Toleration.of(t).tolerates(taint)).findFirst();
            if (used.isEmpty()) {
                return Optional.of(Duration.ZERO);
            }
            Long seconds = used.get().getTolerationSeconds();
            if (seconds != null) {
                least = least == null ? seconds : Math.min(least, seconds);
            }
        }
        return least == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.max(least, 0)));
    }

    /** cancelWorkWithEvent: only a timed eviction still to come is told of. */
    private void cancel(Map<String, Scheduled> onNode, String key) {
        if (onNode.remove(key) != null) {
            events.normal(reference(key), REASON, "Cancelling deletion of Pod " + key);
        }
    }

    /**
     * deletePodHandler: the TaintManagerEviction event, then addConditionAndDeletePod's DisruptionTarget condition
     * through the pod's status, then the (graceful) delete.
     */
    private void evict(Pod pod, Instant now) {
        String key = Keys.of(pod);
        events.normal(reference(key), REASON, "Marking for deletion Pod " + key);
        PodDisruption.mark(client, pod, PodDisruption.target("DeletionByTaintManager",
                "Taint manager: deleting due to NoExecute taint"), false, now);
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
    }

    /** emitPodDeletionEvent names the pod by namespace and name alone (no uid). */
    private static Pod reference(String key) {
        String[] parts = key.split("/", 2);
        return new PodBuilder().withNewMetadata().withNamespace(parts[0]).withName(parts[1]).endMetadata().build();
    }

    /** PodUpdated: the node of a pod that is bound, rebound, changes its tolerations or goes. */
    static ResourceEventHandler<Pod> podChanges(Controller controller) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                enqueueNodeOf(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (!Objects.equals(nodeName(old), nodeName(pod))
                        || !Objects.equals(old.getSpec().getTolerations(), pod.getSpec().getTolerations())) {
                    enqueueNodeOf(old);
                    enqueueNodeOf(pod);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                enqueueNodeOf(pod);
            }

            private void enqueueNodeOf(Pod pod) {
                String node = nodeName(pod);
                if (node != null && !node.isEmpty()) {
                    controller.enqueue(node);
                }
            }

            private static String nodeName(Pod pod) {
                return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            }
        };
    }

    /** NodeUpdated: a node whose NoExecute taints change, appears or goes. */
    static ResourceEventHandler<Node> nodeChanges(Controller controller) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                controller.enqueue(node.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node old, Node node) {
                if (!noExecuteTaints(old).equals(noExecuteTaints(node))) {
                    controller.enqueue(node.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                controller.enqueue(node.getMetadata().getName());
            }
        };
    }
}
