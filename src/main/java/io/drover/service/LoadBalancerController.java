package io.drover.service;

import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Answers LoadBalancer Services with the nodes' addresses as k3s' servicelb does: every Ready
 * node's InternalIP is an ingress (ipMode VIP), since every node's proxy serves the Service's
 * NodePorts and ports. A Service that is no longer a LoadBalancer loses its ingress; one that names a
 * loadBalancerClass is left to that class's controller.
 */
final class LoadBalancerController implements Reconciler {
    private final KubernetesClient client;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Node> nodes;

    LoadBalancerController(KubernetesClient client, SharedIndexInformer<Service> services,
            SharedIndexInformer<Node> nodes) {
        this.client = client;
        this.services = services;
        this.nodes = nodes;
    }

    @Override
    public Result reconcile(String key) {
        Service service = services.getStore().getByKey(key);
        if (service == null || service.getSpec().getLoadBalancerClass() != null) {
            // A Service naming a loadBalancerClass is that implementation's, as the cloud provider's
            // service controller leaves it (wantsLoadBalancer): its status is not ours to write.
            return Result.done();
        }
        List<LoadBalancerIngress> want = "LoadBalancer".equals(service.getSpec().getType()) ? ingress() : List.of();
        LoadBalancerStatus status = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
        List<LoadBalancerIngress> have = status == null || status.getIngress() == null ? List.of() : status.getIngress();
        if (Objects.equals(have, want)) {
            return Result.done();
        }
        Service next = new ServiceBuilder(service).editOrNewStatus().withNewLoadBalancer().withIngress(want)
                .endLoadBalancer().endStatus().build();
        client.services().inNamespace(service.getMetadata().getNamespace()).resource(next).updateStatus();
        return Result.done();
    }

    private List<LoadBalancerIngress> ingress() {
        TreeSet<String> ips = new TreeSet<>();
        for (Node node : nodes.getStore().list()) {
            if (!ready(node) || node.getStatus().getAddresses() == null) {
                continue;
            }
            node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                    .map(NodeAddress::getAddress).forEach(ips::add);
        }
        return ips.stream().map(ip -> new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build()).toList();
    }

    private static boolean ready(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }
}
