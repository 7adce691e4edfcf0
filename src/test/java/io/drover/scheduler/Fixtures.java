package io.drover.scheduler;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
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

    /** {@code keyValues}: key, value, key, value, ... */
    static Node labelledNode(String name, String... keyValues) {
        return new NodeBuilder(readyNode(name)).editMetadata().addToLabels(pairs(keyValues)).endMetadata().build();
    }

    static PodBuilder labelled(PodBuilder pod, String... keyValues) {
        return pod.editMetadata().addToLabels(pairs(keyValues)).endMetadata();
    }

    static Map<String, String> pairs(String... keyValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static NodeSelectorRequirement requirement(String key, String operator, String... values) {
        return new NodeSelectorRequirementBuilder().withKey(key).withOperator(operator).withValues(values).build();
    }

    /** A pod whose required node affinity has one term per list of requirements. */
    @SafeVarargs
    static Pod requiringNode(List<NodeSelectorRequirement>... terms) {
        var selector = new NodeSelectorBuilder();
        for (List<NodeSelectorRequirement> term : terms) {
            selector.addNewNodeSelectorTerm().withMatchExpressions(term).endNodeSelectorTerm();
        }
        return pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(selector.build()).endNodeAffinity().endAffinity()
                .endSpec().build();
    }

    /** A required pod affinity term selecting the pods labelled {@code key=value}. */
    static PodAffinityTerm term(String topologyKey, String key, String value) {
        return new PodAffinityTermBuilder().withTopologyKey(topologyKey).withNewLabelSelector()
                .addToMatchLabels(key, value).endLabelSelector().build();
    }

    static PodBuilder withAffinity(PodBuilder pod, PodAffinityTerm... terms) {
        return pod.editSpec().editOrNewAffinity().withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(terms).endPodAffinity().endAffinity().endSpec();
    }

    static PodBuilder withAntiAffinity(PodBuilder pod, PodAffinityTerm... terms) {
        return pod.editSpec().editOrNewAffinity().withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(terms).endPodAntiAffinity().endAffinity().endSpec();
    }

    static ClusterSnapshot snapshot(List<Node> nodes, List<Pod> pods) {
        return ClusterSnapshot.of(nodes.stream().map(NodeInfo::of).toList(), pods.stream().map(PodInfo::of).toList());
    }
}
