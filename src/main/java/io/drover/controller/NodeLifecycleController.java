package io.drover.controller;

import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's node lifecycle controller: a node whose agent stopped renewing its Lease in
 * kube-node-lease for the grace period gets its conditions Unknown ("Kubelet stopped posting node status."), the
 * {@code node.kubernetes.io/unreachable} NoSchedule and NoExecute taints (the scheduler then places nothing there) and
 * its pods Ready False (their endpoints go); {@link TaintEvictionController} deletes the pods when their toleration of
 * the NoExecute taint ends (DefaultTolerationSeconds gives 300 s), so their controllers replace them elsewhere. When
 * the Lease is renewed again the taints go; the agent writes its own conditions. Before, a dead server's node stayed
 * Ready and got new pods that never ran.
 *
 * <p>As there, the grace period counts from when this controller saw the Lease change, not from its renewTime: a
 * controller that starts (a server's restart, a new leader) gives every node the full period.
 */
final class NodeLifecycleController implements Reconciler {
    /** kube-controller-manager's --node-monitor-grace-period. */
    static final Duration GRACE = Duration.ofSeconds(40);
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    private static final Duration MONITOR_PERIOD = Duration.ofSeconds(5);
    private static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final Clock clock;
    /** Per node: the Lease renewTime last seen, and when this controller saw it. */
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    private record Probe(String renewTime, Instant seenAt) {}

    NodeLifecycleController(KubernetesClient client, SharedIndexInformer<Node> nodes, SharedIndexInformer<Lease> leases,
            SharedIndexInformer<Pod> pods, Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.leases = leases;
        this.pods = pods;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String nodeName) {
        Node node = nodes.getStore().getByKey(nodeName);
        if (node == null) {
            probes.remove(nodeName);
            return Result.done();
        }
        Instant now = clock.instant();
        boolean cordoned = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        if (cordoned != hasCordonTaint(node)) {
            updateCordonTaint(nodeName, cordoned);
        }
        Lease lease = leases.getStore().getByKey(LEASE_NAMESPACE + "/" + nodeName);
        String renewTime = lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null ? ""
                : lease.getSpec().getRenewTime().toString();
        Probe probe = probes.compute(nodeName, (n, p) -> p == null || !p.renewTime().equals(renewTime)
                ? new Probe(renewTime, now) : p);
        boolean silent = !Duration.between(probe.seenAt(), now).minus(GRACE).isNegative();
        String ready = readyStatus(node);
        if (silent && !ready.equals("Unknown")) {
            markUnknown(nodeName, now); // the informer brings the node back with Ready Unknown
            return Result.requeueAfter(MONITOR_PERIOD);
        }
        // The tainting pass goes by the Ready condition, as there: the agent back writes True.
        Optional<Taint> noExecute = taint(node, "NoExecute");
        boolean tainted = noExecute.isPresent() && taint(node, "NoSchedule").isPresent();
        if (ready.equals("True") && (noExecute.isPresent() || taint(node, "NoSchedule").isPresent())) {
            updateTaints(nodeName, false, now);
        }
        if (!ready.equals("Unknown")) {
            return Result.requeueAfter(MONITOR_PERIOD);
        }
        if (!tainted) {
            updateTaints(nodeName, true, now);
            return Result.requeueAfter(MONITOR_PERIOD);
        }
        // The pods that do not tolerate the NoExecute taint for ever go by TaintEvictionController.
        podsOn(nodeName).forEach(pod -> markNotReady(pod, now));
        return Result.requeueAfter(MONITOR_PERIOD);
    }

    private List<Pod> podsOn(String nodeName) {
        return pods.getStore().list().stream()
                .filter(p -> p.getSpec() != null && nodeName.equals(p.getSpec().getNodeName()))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static Optional<Taint> taint(Node node, String effect) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? Optional.empty()
                : node.getSpec().getTaints().stream()
                        .filter(t -> UNREACHABLE.equals(t.getKey()) && effect.equals(t.getEffect())).findFirst();
    }

    /** The status of the node's Ready condition; "" without one (a node that never posted its status). */
    private static String readyStatus(Node node) {
        return node.getStatus() == null || node.getStatus().getConditions() == null ? ""
                : node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                        .map(c -> c.getStatus() == null ? "" : c.getStatus()).findFirst().orElse("");
    }

    /** tryUpdateNodeHealth: every condition the agent posts becomes Unknown, since when it was last posted. */
    private void markUnknown(String nodeName, Instant now) {
        String stamp = MetaTime.format(now);
        bestEffort(() -> {
            client.nodes().withName(nodeName).editStatus(n -> {
                if (n.getStatus() == null) {
                    n.setStatus(new NodeStatus());
                }
                List<NodeCondition> conditions = n.getStatus().getConditions() == null ? new ArrayList<>()
                        : new ArrayList<>(n.getStatus().getConditions());
                for (String type : CONDITIONS) {
                    NodeCondition c = conditions.stream().filter(x -> type.equals(x.getType())).findFirst()
                            .orElseGet(() -> {
                                NodeCondition added = new NodeCondition();
                                added.setType(type);
                                conditions.add(added);
                                return added;
                            });
                    if (!"Unknown".equals(c.getStatus())) {
                        c.setLastTransitionTime(stamp);
                    }
                    c.setStatus("Unknown");
                    c.setReason("NodeStatusUnknown");
                    c.setMessage("Kubelet stopped posting node status.");
                }
                n.getStatus().setConditions(conditions);
                return n;
            });
        });
    }

    private static boolean hasCordonTaint(Node node) {
        return node.getSpec() != null && node.getSpec().getTaints() != null && node.getSpec().getTaints().stream()
                .anyMatch(t -> UNSCHEDULABLE.equals(t.getKey()) && "NoSchedule".equals(t.getEffect()));
    }

    /**
     * doNoScheduleTaintingPass for a cordoned node: {@code node.kubernetes.io/unschedulable:NoSchedule} while
     * spec.unschedulable is true, so tools that read taints (and tolerations of the cordon) see it; gone at uncordon.
     */
    private void updateCordonTaint(String nodeName, boolean cordoned) {
        editTaints(nodeName, taints -> {
            taints.removeIf(t -> UNSCHEDULABLE.equals(t.getKey()) && "NoSchedule".equals(t.getEffect()));
            if (cordoned) {
                taints.add(new TaintBuilder().withKey(UNSCHEDULABLE).withEffect("NoSchedule").build());
            }
        });
    }

    /** Adds (or removes) the unreachable NoSchedule and NoExecute taints. */
    private void updateTaints(String nodeName, boolean unreachable, Instant now) {
        String stamp = MetaTime.format(now);
        editTaints(nodeName, taints -> {
            taints.removeIf(t -> UNREACHABLE.equals(t.getKey()) && !unreachable);
            if (unreachable) {
                for (String effect : List.of("NoSchedule", "NoExecute")) {
                    if (taints.stream().noneMatch(t -> UNREACHABLE.equals(t.getKey()) && effect.equals(t.getEffect()))) {
                        taints.add(new TaintBuilder().withKey(UNREACHABLE).withEffect(effect)
                                .withTimeAdded(effect.equals("NoExecute") ? stamp : null).build());
                    }
                }
            }
        });
    }

    /** Edits the node's taints in place (retried on conflicts by the edit), best effort. */
    private void editTaints(String nodeName, java.util.function.Consumer<List<Taint>> change) {
        bestEffort(() -> {
            client.nodes().withName(nodeName).edit(n -> {
                if (n.getSpec() == null) {
                    n.setSpec(new NodeSpec());
                }
                List<Taint> taints = n.getSpec().getTaints() == null ? new ArrayList<>()
                        : new ArrayList<>(n.getSpec().getTaints());
                change.accept(taints);
                n.getSpec().setTaints(taints);
                return n;
            });
        });
    }

    /** MarkPodsNotReady: its Ready condition False, so that every Service drops it. */
    private void markNotReady(Pod pod, Instant now) {
        List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of()
                : pod.getStatus().getConditions();
        if (conditions.stream().noneMatch(c -> "Ready".equals(c.getType()) && !"False".equals(c.getStatus()))) {
            return;
        }
        String stamp = MetaTime.format(now);
        bestEffort(() -> {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                                .forEach(c -> {
                                    c.setStatus("False");
                                    c.setLastTransitionTime(stamp);
                                });
                        return p;
                    });
        });
    }

    /** A write this controller makes again at its next pass: one that fails (a conflict, the object gone) waits for it. */
    private static void bestEffort(Runnable write) {
        try {
            write.run();
        } catch (KubernetesClientException e) {
            // the next pass tries again, or the object is gone
        }
    }
}
