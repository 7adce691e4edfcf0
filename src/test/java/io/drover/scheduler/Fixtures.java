package io.drover.scheduler;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Map;

/** Small builders of API objects for the scheduler's unit tests. */
final class Fixtures {
    private Fixtures() {}

    static NodeBuilder node(String name, String cpu, String memory) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus();
    }

    static Node readyNode(String name) {
        return node(name, "4", "8Gi").build();
    }

    static PodBuilder pod(String name, String cpu, String memory) {
        var container = new ContainerBuilder().withName("main");
        if (cpu != null || memory != null) {
            var requests = new java.util.HashMap<String, Quantity>();
            if (cpu != null) {
                requests.put("cpu", new Quantity(cpu));
            }
            if (memory != null) {
                requests.put("memory", new Quantity(memory));
            }
            container.withNewResources().withRequests(requests).endResources();
        }
        return new PodBuilder().withNewMetadata().withNamespace("default").withName(name).withUid("uid-" + name)
                .endMetadata().withNewSpec().withContainers(container.build()).endSpec();
    }

    static PodBuilder replica(String name, String ownerUid) {
        return pod(name, "100m", "64Mi").editMetadata().addNewOwnerReference().withApiVersion("apps/v1")
                .withKind("ReplicaSet").withName("rs").withUid(ownerUid).withController(true).endOwnerReference()
                .endMetadata();
    }

    static Pod boundTo(PodBuilder pod, String node) {
        return pod.editSpec().withNodeName(node).endSpec().build();
    }

    static PodBuilder withHostPort(PodBuilder pod, int port) {
        return pod.editSpec().editFirstContainer().addNewPort().withContainerPort(8080).withHostPort(port)
                .endPort().endContainer().endSpec();
    }

    static io.fabric8.kubernetes.api.model.Taint taint(String key, String value, String effect) {
        return new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build();
    }

    static io.fabric8.kubernetes.api.model.Toleration toleration(String key, String operator, String value,
            String effect) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
    }

    static ClusterSnapshot snapshot(List<Node> nodes, List<Pod> pods) {
        return ClusterSnapshot.of(nodes.stream().map(NodeInfo::of).toList(), pods.stream().map(PodInfo::of).toList());
    }
}
