package io.drover.agent.ports;

import io.drover.controller.Keys;
import io.drover.pod.PodFields;
import io.drover.ports.HostPortAnnotation;
import io.drover.ports.PodPorts;
import io.drover.ports.PortAssignment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's side of port allocation: a pod's ports are allocated before its first container
 * starts and recorded on the pod ({@link HostPortAnnotation}, a merge patch through the API), which
 * is what a restarted agent rebuilds its table from; they are released when the pod ends or goes.
 */
public final class PodPortAssigner {
    private final KubernetesClient client;
    private final HostPortAllocator allocator;
    /** The uid whose ports each pod key holds, so a pod already gone from the cache can be released. */
    private final Map<String, String> uidByKey = new ConcurrentHashMap<>();

    public PodPortAssigner(KubernetesClient client, HostPortAllocator allocator) {
        this.client = client;
        this.allocator = allocator;
    }

    /** Takes back the ports recorded on this node's pods that have not ended (at agent start). */
    public void restore(Collection<Pod> pods) {
        for (Pod pod : pods) {
            if (PodFields.isTerminal(pod)) {
                continue;
            }
            recorded(pod).ifPresent(assignments -> {
                allocator.restore(pod.getMetadata().getUid(), assignments);
                uidByKey.put(Keys.of(pod), pod.getMetadata().getUid());
            });
        }
    }

    /**
     * The pod's port assignments: the ones it holds, else the ones recorded on it, else new ones,
     * recorded on the pod before they are returned. A pod without containerPorts has none and is
     * not patched.
     */
    public List<PortAssignment> ensure(Pod pod) throws NoFreePortException {
        String uid = pod.getMetadata().getUid();
        Optional<List<PortAssignment>> held = allocator.assignmentsOf(uid);
        if (held.isPresent()) {
            return held.get();
        }
        String key = Keys.of(pod);
        Optional<List<PortAssignment>> recorded = recorded(pod);
        if (recorded.isPresent()) {
            allocator.restore(uid, recorded.get());
            uidByKey.put(key, uid);
            return recorded.get();
        }
        List<PodPorts.DeclaredPort> declared = PodPorts.declared(pod);
        if (declared.isEmpty()) {
            return List.of();
        }
        List<PortAssignment> assigned = allocator.allocate(uid, declared);
        try {
            record(pod, assigned);
        } catch (KubernetesClientException e) {
            allocator.release(uid);
            throw e;
        }
        uidByKey.put(key, uid);
        return assigned;
    }

    /**
     * Where the pod's ports are on this node: the assignments held here, made before its first container started,
     * else the ones recorded on it. The pod object a caller holds may predate the record of its assignments, so the
     * probes and hooks of a container that just started would not find them there.
     */
    public PodPorts portsOf(Pod pod) {
        return allocator.assignmentsOf(pod.getMetadata().getUid()).map(held -> PodPorts.of(pod, held))
                .orElseGet(() -> PodPorts.of(pod));
    }

    /** Frees the ports of the pod with this key (namespace/name), whichever uid holds them. */
    public void release(String podKey) {
        String uid = uidByKey.remove(podKey);
        if (uid != null) {
            allocator.release(uid);
        }
    }

    /** The annotation's assignments when they cover every declared port. */
    private static Optional<List<PortAssignment>> recorded(Pod pod) {
        PodPorts ports = PodPorts.of(pod);
        return ports.assignments().isEmpty() || !ports.complete() ? Optional.empty()
                : Optional.of(ports.assignments());
    }

    private void record(Pod pod, List<PortAssignment> assigned) {
        Map<String, Object> patch = Map.of("metadata", Map.of("annotations",
                Map.of(HostPortAnnotation.KEY, HostPortAnnotation.format(assigned))));
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(patch));
    }
}
