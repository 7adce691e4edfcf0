package io.drover.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.netty.util.NetUtil;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Publishes the node's DNS server as Kubernetes does: the Service kube-system/kube-dns (ports
 * dns 53/UDP and dns-tcp 53/TCP, ClusterIP {@link #CLUSTER_IP}) and, per node, an EndpointSlice
 * pointing at the server's real address and port. The Service has no selector: its endpoints are
 * the DNS servers, not pods, so the slices are written here (managed-by {@link #MANAGER}) and the
 * EndpointSlice controller leaves them alone.
 */
final class KubeDnsService {
    /**
     * kube-dns's ClusterIP in the default service CIDR 10.43.0.0/16, as k3s: the range's tenth address, which
     * the service IP allocator keeps free for static allocation.
     */
    static final String CLUSTER_IP = "10.43.0.10";
    static final String NAMESPACE = "kube-system";
    static final String NAME = "kube-dns";
    static final String MANAGER = "cluster-dns.drover.io";

    private final KubernetesClient client;

    KubeDnsService(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the Service unless it exists (never overwriting an admin's changes). */
    Service ensureService() {
        Service existing = client.services().inNamespace(NAMESPACE).withName(NAME).get();
        if (existing != null) {
            return existing;
        }
        try {
            return client.services().inNamespace(NAMESPACE).resource(service(tenthAddress())).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return client.services().inNamespace(NAMESPACE).withName(NAME).get();
            }
            if (e.getCode() == 422) {
                // The tenth address is taken (or not in the range): whatever ClusterIP the allocator gives.
                return client.services().inNamespace(NAMESPACE).resource(service(null)).create();
            }
            throw e;
        }
    }

    /**
     * The service CIDR's tenth address, as kubeadm and k3s give kube-dns: nine past the {@code kubernetes}
     * Service's, which is the range's first (this component knows the range only through the API).
     */
    private String tenthAddress() {
        Service kubernetes = client.services().inNamespace("default").withName("kubernetes").get();
        byte[] first = kubernetes == null || kubernetes.getSpec().getClusterIP() == null ? null
                : NetUtil.createByteArrayFromIpAddressString(kubernetes.getSpec().getClusterIP());
        if (first == null || first.length != 4) {
            return CLUSTER_IP;
        }
        int tenth = ByteBuffer.wrap(first).getInt() + 9;
        return NetUtil.bytesToIpAddress(ByteBuffer.allocate(4).putInt(tenth).array());
    }

    /** Writes this node's EndpointSlice: {@code address}:{@code port}, ready. */
    void publishEndpoint(String nodeName, String address, int port) {
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                .resource(endpointSlice(nodeName, address, port)).createOr(NonDeletingOperation::update);
    }

    /** Removes this node's EndpointSlice, so clients stop being sent to a stopped server. */
    void withdrawEndpoint(String nodeName) {
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(sliceName(nodeName)).delete();
    }

    static String sliceName(String nodeName) {
        return NAME + "-" + nodeName;
    }

    private static Service service(String clusterIp) {
        return new ServiceBuilder()
                .withNewMetadata().withName(NAME).withNamespace(NAMESPACE)
                .withLabels(Map.of("k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true",
                        "kubernetes.io/name", "CoreDNS"))
                .endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp)
                .addNewPort().withName("dns").withProtocol("UDP").withPort(53).withNewTargetPort("dns").endPort()
                .addNewPort().withName("dns-tcp").withProtocol("TCP").withPort(53).withNewTargetPort("dns-tcp")
                .endPort()
                .endSpec()
                .build();
    }

    private static EndpointSlice endpointSlice(String nodeName, String address, int port) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(sliceName(nodeName)).withNamespace(NAMESPACE)
                .withLabels(Map.of(ServiceRecords.SERVICE_NAME_LABEL, NAME,
                        "endpointslice.kubernetes.io/managed-by", MANAGER))
                .endMetadata()
                .withAddressType(address.indexOf(':') >= 0 ? "IPv6" : "IPv4")
                .addNewEndpoint().withAddresses(address).withNodeName(nodeName)
                .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                .endEndpoint()
                .addNewPort().withName("dns").withProtocol("UDP").withPort(port).endPort()
                .addNewPort().withName("dns-tcp").withProtocol("TCP").withPort(port).endPort()
                .build();
    }
}
