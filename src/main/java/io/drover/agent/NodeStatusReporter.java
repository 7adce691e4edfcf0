package io.drover.agent;

import io.drover.api.KubernetesVersion;
import io.drover.controller.EventRecorder;
import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this machine's Node and keeps it alive: the Node's status (capacity, addresses,
 * conditions with a fresh lastHeartbeatTime) and its Lease in kube-node-lease are written every
 * {@link #HEARTBEAT}. Registering a Node that exists (an agent restart) updates it.
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
    /** The node's spec.unschedulable at the last heartbeat (kubelet's lastNodeUnschedulable, false at start). */
    private boolean lastUnschedulable;

    NodeStatusReporter(KubernetesClient client, HostFacts host, int kubeletPort, Clock clock) {
        this.client = client;
        this.host = host;
        this.kubeletPort = kubeletPort;
        this.clock = clock;
        this.events = new EventRecorder(client, "kubelet", host.nodeName(), clock);
    }

    /** Creates the Node, or updates the one a previous run registered. */
    void register() {
        Map<String, String> labels = Map.of("kubernetes.io/hostname", host.nodeName(), "kubernetes.io/os", "linux",
                "kubernetes.io/arch", host.architecture());
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
        renewLease();
        recordSchedulability(node);
    }

    /** recordNodeSchedulableEvent: a cordon or uncordon is told on the Node, as kubelet tells it at its sync. */
    private void recordSchedulability(Node node) {
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        if (unschedulable != lastUnschedulable) {
            String event = unschedulable ? "NodeNotSchedulable" : "NodeSchedulable";
            events.normal(node, event, "Node " + host.nodeName() + " status is now: " + event);
            lastUnschedulable = unschedulable;
        }
    }

    NodeStatus status(NodeStatus previous) {
        String now = MetaTime.now(clock);
        Map<String, Quantity> resources = host.allocatable(MAX_PODS);
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now));
        conditions.add(condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now));
        conditions.add(condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now));
        conditions.add(condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now));
        return new NodeStatusBuilder()
                .withCapacity(resources).withAllocatable(resources)
                .withAddresses(new NodeAddressBuilder().withType("InternalIP").withAddress(host.internalIp()).build(),
                        new NodeAddressBuilder().withType("Hostname").withAddress(host.nodeName()).build())
                .withNodeInfo(new NodeSystemInfoBuilder().withKernelVersion(host.kernelVersion())
                        .withOsImage(host.osImage()).withContainerRuntimeVersion(RUNTIME_VERSION)
                        .withKubeletVersion(KubernetesVersion.GIT_VERSION).withKubeProxyVersion(KubernetesVersion.GIT_VERSION)
                        .withOperatingSystem("linux").withArchitecture(host.architecture())
                        .withMachineID("").withSystemUUID("").withBootID("").build())
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

    private void renewLease() {
        var leases = client.resources(Lease.class).inNamespace(LEASE_NAMESPACE);
        Lease lease = leases.withName(host.nodeName()).get();
        if (lease == null) {
            leases.resource(new LeaseBuilder().withNewMetadata().withName(host.nodeName())
                    .withNamespace(LEASE_NAMESPACE).endMetadata()
                    .withNewSpec().withHolderIdentity(host.nodeName()).withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .endSpec().build()).create();
            return;
        }
        Lease copy = client.getKubernetesSerialization().clone(lease);
        copy.getSpec().setHolderIdentity(host.nodeName());
        copy.getSpec().setLeaseDurationSeconds(LEASE_SECONDS);
        copy.getSpec().setRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        leases.resource(copy).update();
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
