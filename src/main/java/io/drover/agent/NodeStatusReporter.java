package io.drover.agent;

import io.drover.api.KubernetesVersion;
import io.drover.controller.EventRecorder;
import io.drover.json.MetaTime;
import io.drover.pod.ResourceNames;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this machine's Node and keeps it alive: the Node's status (capacity, addresses,
 * conditions with a fresh lastHeartbeatTime) and its Lease in kube-node-lease are written every
 * {@link #HEARTBEAT}. Registering a Node that exists (an agent restart) updates it.
 *
 * <p>What the kubelet tells on its Node is told here too, on its reference to the Node (kind Node, the
 * node's name as name and uid, which {@code kubectl describe node} looks for besides the Node's uid):
 * "Starting kubelet." at each start, a condition's change ({@code NodeHasSufficientMemory},
 * {@code NodeReady}, ... as the status setters record them), a new boot ({@code Rebooted}) and a cordon.
 */
final class NodeStatusReporter {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final int LEASE_SECONDS = 40;
    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final String MAX_PODS = "110";
    static final String RUNTIME_VERSION = "process://drover";
    private static final Logger log = LoggerFactory.getLogger(NodeStatusReporter.class);

    private final KubernetesClient client;
    private final HostFacts host;
    private final int kubeletPort;
    private final Clock clock;
    private final EventRecorder events;
    /** The kubelet's nodeRef: what its events about the Node are about. */
    private final ObjectReference nodeRef;
    /** The node's spec.unschedulable at the last heartbeat (kubelet's lastNodeUnschedulable, false at start). */
    private boolean lastUnschedulable;

    NodeStatusReporter(KubernetesClient client, HostFacts host, int kubeletPort, Clock clock) {
        this.client = client;
        this.host = host;
        this.kubeletPort = kubeletPort;
        this.clock = clock;
        this.events = new EventRecorder(client, "kubelet", host.nodeName(), clock);
        this.nodeRef = new ObjectReferenceBuilder().withKind("Node").withName(host.nodeName())
                .withUid(host.nodeName()).build();
    }

    /** The kubelet's BirthCry, once per start, before it registers. */
    void starting() {
        events.normal(nodeRef, "Starting", "Starting kubelet.");
    }

    /** Creates the Node, or updates the one a previous run registered. */
    void register() {
        // initialNode's labels, the deprecated beta ones too (older manifests still select on them).
        Map<String, String> labels = Map.of("kubernetes.io/hostname", host.nodeName(), "kubernetes.io/os", "linux",
                "kubernetes.io/arch", host.architecture(), "beta.kubernetes.io/os", "linux",
                "beta.kubernetes.io/arch", host.architecture());
        Node existing = client.nodes().withName(host.nodeName()).get();
        if (existing == null) {
            try {
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName(host.nodeName())
                        .withLabels(labels).endMetadata().build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        } else {
            Map<String, String> merged = new LinkedHashMap<>(
                    existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels());
            if (!merged.entrySet().containsAll(labels.entrySet())) {
                merged.putAll(labels);
                client.nodes().withName(host.nodeName()).edit(n -> new NodeBuilder(n).editMetadata()
                        .withLabels(merged).endMetadata().build());
            }
        }
        heartbeat();
    }

    /** Writes the Node's status and renews its Lease. */
    void heartbeat() {
        Node node = client.nodes().withName(host.nodeName()).get();
        if (node == null) {
            register(); // deleted under us: the kubelet registers again
            return;
        }
        Node copy = client.getKubernetesSerialization().clone(node);
        copy.setStatus(status(node.getStatus()));
        client.nodes().resource(copy).updateStatus();
        // Once written (the kubelet records them as it sets them, so a failed write records them again).
        for (NodeEvent event : statusEvents(host.nodeName(), node.getStatus(), copy.getStatus())) {
            if (event.type().equals("Warning")) {
                events.warning(nodeRef, event.reason(), event.message());
            } else {
                events.normal(nodeRef, event.reason(), event.message());
            }
        }
        renewLease(node);
        recordSchedulability(node);
    }

    /** An Event the kubelet records on its Node. */
    record NodeEvent(String type, String reason, String message) {}

    /** The event of a pressure condition that becomes False (nodestatus.MemoryPressureCondition and its kin). */
    private static final Map<String, String> NO_PRESSURE = Map.of("MemoryPressure", "NodeHasSufficientMemory",
            "DiskPressure", "NodeHasNoDiskPressure", "PIDPressure", "NodeHasSufficientPID");

    /**
     * What the kubelet's status setters record when they turn {@code previous} into {@code next}: Rebooted when the
     * boot id changed (nodestatus.MachineInfo), a pressure condition's event when it is new or changes (a new one
     * starts as Unknown there), NodeReady or NodeNotReady when an existing Ready condition changes (a new one records
     * nothing), in the setters' order.
     */
    static List<NodeEvent> statusEvents(String nodeName, NodeStatus previous, NodeStatus next) {
        List<NodeEvent> recorded = new ArrayList<>();
        String bootBefore = previous == null || previous.getNodeInfo() == null
                || previous.getNodeInfo().getBootID() == null ? "" : previous.getNodeInfo().getBootID();
        String bootNow = next.getNodeInfo().getBootID();
        if (!bootBefore.isEmpty() && !bootBefore.equals(bootNow)) {
            recorded.add(new NodeEvent("Warning", "Rebooted", "Node " + nodeName + " has been rebooted, boot id: "
                    + bootNow));
        }
        for (NodeCondition condition : next.getConditions()) {
            String before = conditionStatus(previous, condition.getType());
            String reason = null;
            if (NO_PRESSURE.containsKey(condition.getType()) && "False".equals(condition.getStatus())
                    && !"False".equals(before)) {
                reason = NO_PRESSURE.get(condition.getType());
            } else if (condition.getType().equals("Ready") && before != null && !before.equals(condition.getStatus())) {
                reason = "True".equals(condition.getStatus()) ? "NodeReady" : "NodeNotReady";
            }
            if (reason != null) {
                recorded.add(new NodeEvent("Normal", reason, "Node " + nodeName + " status is now: " + reason));
            }
        }
        return recorded;
    }

    private static String conditionStatus(NodeStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).map(NodeCondition::getStatus)
                .findFirst().orElse(null);
    }

    /** recordNodeSchedulableEvent: a cordon or uncordon is told on the Node, as kubelet tells it at its sync. */
    private void recordSchedulability(Node node) {
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        if (unschedulable != lastUnschedulable) {
            String event = unschedulable ? "NodeNotSchedulable" : "NodeSchedulable";
            events.normal(nodeRef, event, "Node " + host.nodeName() + " status is now: " + event);
            lastUnschedulable = unschedulable;
        }
    }

    NodeStatus status(NodeStatus previous) {
        String now = MetaTime.now(clock);
        Map<String, Quantity> capacity = new TreeMap<>(host.capacity(MAX_PODS));
        Map<String, Quantity> allocatable = new TreeMap<>(host.allocatable(MAX_PODS));
        if (previous != null && previous.getCapacity() != null) {
            // The MachineInfo setter: what an admin (or a device plugin) advertised on capacity stays, and
            // allocatable follows capacity.
            previous.getCapacity().forEach((name, amount) -> {
                if (ResourceNames.isExtended(name)) {
                    capacity.putIfAbsent(name, amount);
                    allocatable.putIfAbsent(name, amount);
                }
            });
        }
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now));
        conditions.add(condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now));
        conditions.add(condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now));
        conditions.add(condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now));
        return new NodeStatusBuilder()
                .withCapacity(capacity).withAllocatable(allocatable)
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(host.internalIp()).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(host.nodeName()).build())
                .withNodeInfo(new NodeSystemInfoBuilder().withKernelVersion(host.kernelVersion())
                        .withOsImage(host.osImage()).withContainerRuntimeVersion(RUNTIME_VERSION)
                        .withKubeletVersion(KubernetesVersion.GIT_VERSION).withKubeProxyVersion(KubernetesVersion.GIT_VERSION)
                        .withOperatingSystem("linux").withArchitecture(host.architecture())
                        .withMachineID(host.machineId()).withSystemUUID(host.systemUuid()).withBootID(host.bootId())
                        .build())
                .withConditions(conditions)
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletPort).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withPhase(null)
                .build();
    }

    private static NodeCondition condition(NodeStatus previous, String type, String status, String reason,
            String message, String now) {
        String since = now;
        if (previous != null && previous.getConditions() != null) {
            for (NodeCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now).withLastTransitionTime(since).build();
    }

    /**
     * Creates or renews the node's Lease. Owned by the Node, as SetNodeOwnerFunc makes it on create and on any renewal
     * of a Lease without owners (one an earlier agent wrote), so that deleting the Node collects its Lease.
     */
    private void renewLease(Node node) {
        var leases = client.resources(Lease.class).inNamespace(LEASE_NAMESPACE);
        Lease lease = leases.withName(host.nodeName()).get();
        if (lease == null) {
            leases.resource(new LeaseBuilder().withNewMetadata().withName(host.nodeName())
                    .withNamespace(LEASE_NAMESPACE).withOwnerReferences(ownedBy(node)).endMetadata()
                    .withNewSpec().withHolderIdentity(host.nodeName()).withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .endSpec().build()).create();
            return;
        }
        Lease copy = client.getKubernetesSerialization().clone(lease);
        if (copy.getMetadata().getOwnerReferences() == null || copy.getMetadata().getOwnerReferences().isEmpty()) {
            copy.getMetadata().setOwnerReferences(List.of(ownedBy(node)));
        }
        copy.getSpec().setHolderIdentity(host.nodeName());
        copy.getSpec().setLeaseDurationSeconds(LEASE_SECONDS);
        copy.getSpec().setRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        leases.resource(copy).update();
    }

    /** SetNodeOwnerFunc's reference: apiVersion, kind, name and uid only (neither controller nor blocking). */
    private static OwnerReference ownedBy(Node node) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).build();
    }

    /** Heartbeats are retried on the next tick; a failed one is only logged. */
    void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            log.warn("node {}: heartbeat failed: {}", host.nodeName(), e.toString());
        }
    }
}
