package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** Field selectors are checked against the fields Kubernetes lets each kind be selected by. */
class FieldLabelsTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ResourceType type(String group, String plural) {
        String version = group.isEmpty() ? "v1" : group.equals("apps") ? "v1" : "v2";
        return REGISTRY.find(group, version, plural).orElseThrow();
    }

    private static FieldSelector check(String group, String plural, String selector) {
        return FieldLabels.check(type(group, plural), FieldSelector.parse(selector));
    }

    private static void refused(String group, String plural, String selector, String message) {
        assertThatThrownBy(() -> check(group, plural, selector)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void everyKindIsSelectableByNameAndNamespace() {
        assertThat(check("", "configmaps", "metadata.name=a,metadata.namespace!=b").terms()).hasSize(2);
        assertThat(check("apps", "deployments", "metadata.name==a").terms()).hasSize(1);
    }

    @Test
    void otherFieldsOfAKindWithoutOwnFieldsAreRefusedAsKubernetesWordsIt() {
        refused("", "configmaps", "data.k=v",
                "\"data.k\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        refused("apps", "replicasets", "status.replicas=1",
                "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    }

    @Test
    void coreKindsHaveTheirOwnFields() {
        assertThat(check("", "pods", "spec.nodeName=n,status.phase=Running").terms()).hasSize(2);
        assertThat(check("", "events", "involvedObject.uid=u,reason=Killing,type=Normal").terms()).hasSize(3);
        assertThat(check("", "secrets", "type=Opaque").terms()).hasSize(1);
        assertThat(check("", "services", "spec.type=ClusterIP,spec.clusterIP=None").terms()).hasSize(2);
        assertThat(check("", "nodes", "spec.unschedulable=false").terms()).hasSize(1);
        assertThat(check("", "namespaces", "status.phase=Active").terms()).hasSize(1);
        refused("", "pods", "status.hostIP=10.0.0.1", "field label not supported: status.hostIP");
        refused("", "nodes", "metadata.namespace=x", "field label not supported: metadata.namespace");
    }

    @Test
    void fieldsAreReadAsKubernetesReadsThem() {
        ObjectNode node = JSON.createObjectNode();
        node.putObject("metadata").put("name", "n");
        assertThat(check("", "nodes", "spec.unschedulable=false").matches(node)).isTrue();
        assertThat(check("", "nodes", "spec.unschedulable=true").matches(node)).isFalse();
        node.putObject("spec").put("unschedulable", true);
        assertThat(check("", "nodes", "spec.unschedulable=true").matches(node)).isTrue();

        ObjectNode event = JSON.createObjectNode();
        event.putObject("source").put("component", "kubelet");
        assertThat(check("", "events", "source=kubelet").matches(event)).isTrue();
        assertThat(check("", "events", "source=scheduler").matches(event)).isFalse();

        // An events.k8s.io write has no source: kube selects it by its reporting controller.
        ObjectNode v1Event = JSON.createObjectNode();
        v1Event.putObject("source");
        v1Event.put("reportingComponent", "default-scheduler");
        assertThat(check("", "events", "source=default-scheduler").matches(v1Event)).isTrue();
        assertThat(check("", "events", "source!=default-scheduler").matches(v1Event)).isFalse();
        event.put("reportingComponent", "other");
        assertThat(check("", "events", "source=kubelet").matches(event)).as("source.component first").isTrue();
        assertThat(check("", "events", "source=").matches(JSON.createObjectNode())).isTrue();
    }

    @Test
    void aPodsSpecHostIsItsNodeName() {
        assertThat(check("", "pods", "spec.host=n").terms())
                .containsExactly(new FieldSelector.Term("spec.nodeName", true, "n"));
    }
}
