package io.drover.service;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/**
 * One pod as an endpoint of one Service: its address (the node's, since pods use the host network),
 * its conditions as the endpointslice controller sets them, and the Service's ports resolved to the
 * pod's allocated host ports.
 *
 * @param ready serving and not terminating, or the Service publishes not-ready addresses
 * @param serving the pod is Ready, terminating or not (whatever the Service publishes)
 * @param ports one per Service port the pod has a host port for, in the Service's order
 */
record PodEndpoint(Pod pod, String ip, boolean ready, boolean serving, boolean terminating, List<Port> ports) {

    /** The reference to the pod that Endpoints addresses and EndpointSlice endpoints carry. */
    ObjectReference targetRef() {
        return new ObjectReferenceBuilder().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build();
    }

    /** The pod's node; null before it is scheduled. */
    String nodeName() {
        String node = pod.getSpec().getNodeName();
        return node == null || node.isEmpty() ? null : node;
    }

    /**
     * The pod's hostname when {@code service} is its subdomain (then DNS has a record for it), as
     * the endpoints and endpointslice controllers both set it; null otherwise.
     */
    String hostnameFor(Service service) {
        String hostname = pod.getSpec().getHostname();
        boolean subdomain = service.getMetadata().getName().equals(pod.getSpec().getSubdomain());
        return hostname != null && !hostname.isEmpty() && subdomain ? hostname : null;
    }

    /** A Service port on this pod: the Service port's name, the pod's host port, the protocol. */
    record Port(String name, int port, String protocol, String appProtocol) {}
}
