package io.drover.controller;

import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's node lifecycle controller: a node whose agent stopped renewing its Lease in
 * kube-node-lease for the grace period gets its conditions Unknown ("Kubelet stopped posting node status."), the
 * {@code node.kubernetes.io/unreachable} NoSchedule and NoExecute taints (the scheduler then places nothing there) and
 * its pods Ready False (their endpoints go); {@link TaintEvictionController} deletes the pods when their toleration of
 * the NoExecute taint ends (DefaultTolerationSeconds gives 300 s), so their controllers replace them elsewhere. When
 * the Lease is renewed again the taints go; the agent writes its own conditions. Before, a dead server's node stayed
 * Ready and got new pods that never ran. The other conditions taint as well ({@link ConditionTaints}): Ready False
 * gives not-ready NoSchedule and NoExecute, a pressure condition True its NoSchedule taint, a cordon the unschedulable
 * one.
 *
 * <p>As there, the grace period counts from when this controller saw the Lease change, not from its renewTime: a
 * controller that starts (a server's restart, a new leader) gives every node the full period.
 */
final class NodeLifecycleController implements Reconciler {
    /** kube-controller-manager's --node-monitor-grace-period. */
    static final Duration GRACE = Duration.ofSeconds(40);
    private static final Duration MONITOR_PERIOD = Duration.ofSeconds(5);
    private static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final Clock clock;
    /** kube-controller-manager's node lifecycle controller records as "node-controller". */
    static final String COMPONENT = "node-controller";

    /** Per node: the Lease renewTime and the Ready heartbeat last seen, and when this controller saw them. */
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final EventRecorder events;

    /** What tells the controller the agent is alive: a renewed Lease or a new Ready heartbeat, as tryUpdateNodeHealth. */
    private record Probe(String renewTime, String heartbeat, Instant seenAt) {
        boolean sameAs(String otherRenewTime, String otherHeartbeat) {
            return renewTime.equals(otherRenewTime) && heartbeat.equals(otherHeartbeat);
        }
    }

    NodeLifecycleController(KubernetesClient client, SharedIndexInformer<Node> nodes, SharedIndexInformer<Lease> leases,
            SharedIndexInformer<Pod> pods, Clock clock) {
        this.client = client;
        this.nodes = nodes;
        this.leases = leases;
        this.pods = pods;
        this.clock = clock;
        this.events = new EventRecorder(client, COMPONENT, null, clock);
    }

    @Override
    public Result reconcile(String nodeName) {
        Node node = nodes.getStore().getByKey(nodeName);
        if (node == null) {
            probes.remove(nodeName);
            return Result.done();
        }
        Instant now = clock.instant();
        Lease lease = leases.getStore().getByKey(LEASE_NAMESPACE + "/" + nodeName);
        String renewTime = lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null ? ""
                : lease.getSpec().getRenewTime().toString();
        String heartbeat = readyCondition(node).map(c -> Objects.toString(c.getLastHeartbeatTime(), "")).orElse("");
        if (!probes.containsKey(nodeName)) {
            events.normal(nodeReference(node), "RegisteredNode", "Node " + nodeName + " event: Registered Node "
                    + nodeName + " in Controller");
        }
        Probe probe = probes.compute(nodeName, (n, p) -> p == null || !p.sameAs(renewTime, heartbeat)
                ? new Probe(renewTime, heartbeat, now) : p);
        boolean silent = !Duration.between(probe.seenAt(), now).minus(GRACE).isNegative();
        String ready = readyStatus(node);
        if (silent && !ready.equals("Unknown")) {
            markUnknown(node, now); // the informer brings the node back with Ready Unknown
            return Result.requeueAfter(MONITOR_PERIOD);
        }
        // The tainting passes go by the conditions, as there: the agent back writes Ready True and the taints go.
        if (!ConditionTaints.desired(node).equals(ConditionTaints.current(node))) {
            updateTaints(nodeName, now);
        }
        if (ready.equals("Unknown")) {
            // The pods that do not tolerate the NoExecute taint for ever go by TaintEvictionController.
            podsOn(nodeName).forEach(pod -> markNotReady(pod, now));
        }
        return Result.requeueAfter(MONITOR_PERIOD);
    }

    private List<Pod> podsOn(String nodeName) {
        return pods.getStore().list().stream()
                .filter(p -> p.getSpec() != null && nodeName.equals(p.getSpec().getNodeName()))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    /** The status of the node's Ready condition; "" without one (a node that never posted its status). */
    private static String readyStatus(Node node) {
        return readyCondition(node).map(c -> c.getStatus() == null ? "" : c.getStatus()).orElse("");
    }

    private static Optional<NodeCondition> readyCondition(Node node) {
        return node.getStatus() == null || node.getStatus().getConditions() == null ? Optional.empty()
                : node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    /** RecordNodeStatusChange's and RecordNodeEvent's reference: the Node by its name and uid. */
    private static ObjectReference nodeReference(Node node) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node").withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid()).build();
    }

    /**
     * tryUpdateNodeHealth: every condition the agent posts becomes Unknown, since when it was last posted; written
     * over the node as this controller saw it (its resourceVersion a precondition, as UpdateStatus of the lister's
     * copy), so that an agent's Ready posted meanwhile is not overwritten: the write fails and the next pass sees the
     * heartbeat. A node that was Ready is told NodeNotReady.
     */
    private void markUnknown(Node seen, Instant now) {
        String stamp = MetaTime.format(now);
        Node node = new NodeBuilder(seen).build();
        if (node.getStatus() == null) {
            node.setStatus(new NodeStatus());
        }
        List<NodeCondition> conditions = node.getStatus().getConditions() == null ? new ArrayList<>()
                : new ArrayList<>(node.getStatus().getConditions());
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
        node.getStatus().setConditions(conditions);
        boolean wasReady = readyStatus(seen).equals("True");
        bestEffort(() -> {
            client.nodes().resource(node).updateStatus();
            if (wasReady) {
                events.normal(nodeReference(seen), "NodeNotReady", "Node " + seen.getMetadata().getName()
                        + " status is now: NodeNotReady");
            }
        });
    }

    /** Brings the controller's taints in line with the node's conditions and cordon, on the node as it is now. */
    private void updateTaints(String nodeName, Instant now) {
        String stamp = MetaTime.format(now);
        bestEffort(() -> {
            client.nodes().withName(nodeName).edit(n -> {
                if (n.getSpec() == null) {
                    n.setSpec(new NodeSpec());
                }
                n.getSpec().setTaints(ConditionTaints.reconciled(n, stamp));
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
            // After the write, as there: the pod still exists.
            events.warning(pod, "NodeNotReady", "Node is not ready");
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
