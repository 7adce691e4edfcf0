package io.drover.scheduler;

import static io.drover.pod.PodFields.isTerminal;
import static io.drover.pod.PodFields.list;
import static io.drover.pod.PodFields.text;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the scheduler needs to know about a pod, copied out of the API object.
 *
 * @param nodeName "" when the pod is not bound
 * @param controllerUid the uid of its controller owner reference, "" when it has none
 * @param spreadConstraints its topology spread constraints with whenUnsatisfiable DoNotSchedule
 * @param schedulingGates the names of its spec.schedulingGates; while there are any it is not scheduled
 * @param terminating it has a deletionTimestamp: it still holds its node, but no longer counts for spreading
 * @param terminal Succeeded or Failed: it holds no resources any more
 * @param priority spec.priority, 0 without one (corev1helpers.PodPriority)
 * @param preemptsOthers its spec.preemptionPolicy is not Never
 */
public record PodInfo(String namespace, String name, String uid, String nodeName, String schedulerName,
        Map<String, String> labels, String controllerUid, Resources requests, List<HostPort> hostPorts,
        List<Toleration> tolerations, NodeAffinity nodeAffinity, PodAffinity podAffinity,
        List<TopologySpreadConstraint> spreadConstraints, List<String> schedulingGates, boolean terminating,
        boolean terminal, int priority, boolean preemptsOthers) {

    public PodInfo {
        labels = Map.copyOf(labels);
        hostPorts = List.copyOf(hostPorts);
        tolerations = List.copyOf(tolerations);
        spreadConstraints = List.copyOf(spreadConstraints);
        schedulingGates = List.copyOf(schedulingGates);
    }

    /** A hostPort a container asks for; {@code ip} "0.0.0.0" means every address. */
    public record HostPort(String ip, String protocol, int port) {
        boolean conflictsWith(HostPort o) {
            return port == o.port && protocol.equals(o.protocol)
                    && (ip.equals(o.ip) || ip.equals(ANY) || o.ip.equals(ANY));
        }

        static final String ANY = "0.0.0.0";
    }

    public static PodInfo of(Pod pod) {
        var meta = pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        String controllerUid = list(meta.getOwnerReferences()).stream()
                .filter(r -> Boolean.TRUE.equals(r.getController())).map(OwnerReference::getUid)
                .findFirst().orElse("");
        List<HostPort> ports = new ArrayList<>();
        Stream.concat(list(spec.getContainers()).stream(), list(spec.getInitContainers()).stream())
                .map(Container::getPorts).flatMap(p -> list(p).stream())
                .filter(p -> p.getHostPort() != null && p.getHostPort() > 0)
                .map(PodInfo::hostPort).forEach(ports::add);
        String namespace = text(meta.getNamespace());
        Map<String, String> labels = map(meta.getLabels());
        return new PodInfo(namespace, text(meta.getName()), text(meta.getUid()),
                text(spec.getNodeName()), text(spec.getSchedulerName()), labels, text(controllerUid),
                Resources.requestsOf(spec), ports,
                list(spec.getTolerations()).stream().map(Toleration::of).toList(), NodeAffinity.of(spec),
                PodAffinity.of(spec, namespace),
                TopologySpreadConstraint.required(spec.getTopologySpreadConstraints(), labels),
                list(spec.getSchedulingGates()).stream().map(g -> text(g.getName())).toList(),
                meta.getDeletionTimestamp() != null, isTerminal(pod),
                spec.getPriority() == null ? 0 : spec.getPriority(), !"Never".equals(spec.getPreemptionPolicy()));
    }

    /**
     * The pod with what it holds on its node (resources, host ports) but none of its placement rules: what a bound
     * pod whose rules cannot be read (stored before they were validated) still counts for, rather than nothing.
     */
    static PodInfo accountingOnly(Pod pod) {
        var meta = pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodSpec holdings = new PodSpec();
        holdings.setContainers(spec.getContainers());
        holdings.setInitContainers(spec.getInitContainers());
        holdings.setOverhead(spec.getOverhead());
        holdings.setNodeName(spec.getNodeName());
        holdings.setSchedulerName(spec.getSchedulerName());
        holdings.setPriority(spec.getPriority()); // what preemption would weigh it by
        Pod copy = new Pod();
        copy.setMetadata(meta);
        copy.setSpec(holdings);
        copy.setStatus(pod.getStatus());
        return of(copy);
    }

    private static HostPort hostPort(ContainerPort p) {
        String ip = text(p.getHostIP());
        String protocol = text(p.getProtocol());
        return new HostPort(ip.isEmpty() ? HostPort.ANY : ip, protocol.isEmpty() ? "TCP" : protocol, p.getHostPort());
    }

    /** The same pod, as if bound to {@code node} (a binding the informer has not shown yet). */
    public PodInfo withNodeName(String node) {
        return new PodInfo(namespace, name, uid, node, schedulerName, labels, controllerUid, requests, hostPorts,
                tolerations, nodeAffinity, podAffinity, spreadConstraints, schedulingGates, terminating, terminal,
                priority, preemptsOthers);
    }

    /** Replicas of one workload: the same controller, or, without one, the same labels in the same namespace. */
    public boolean sameOwnerAs(PodInfo o) {
        if (!controllerUid.isEmpty()) {
            return controllerUid.equals(o.controllerUid);
        }
        return o.controllerUid.isEmpty() && !labels.isEmpty() && namespace.equals(o.namespace)
                && labels.equals(o.labels);
    }

    static Map<String, String> map(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
