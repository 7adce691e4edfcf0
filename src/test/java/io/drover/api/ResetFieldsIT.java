package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * managedFields leave out what a write's strategy resets (GetResetFields, the field manager's IgnoredFields): a
 * create or update of an object with a status subresource owns none of the status it carried, so the controller's
 * later apply of that status does not conflict with it, and an apply of the object itself conflicts with no
 * status writer.
 */
class ResetFieldsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    private static HttpResponse<String> raw(String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        return CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<ManagedFieldsEntry> entriesOf(List<ManagedFieldsEntry> entries, String manager) {
        return entries.stream().filter(e -> e.getManager().equals(manager)).toList();
    }

    @Test
    void theStatusAV1CreateCarriedIsNotItsWritersSoTheControllersApplyOfItDoesNotConflict() throws Exception {
        // What `kubectl autoscale` posts: an autoscaling/v1 object with an empty status.
        HttpResponse<String> created = raw("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
                + "?fieldManager=kubectl-autoscale", "application/json", "{\"apiVersion\":\"autoscaling/v1\","
                + "\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web2\"},\"spec\":{\"scaleTargetRef\":"
                + "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":4},"
                + "\"status\":{\"currentReplicas\":0,\"desiredReplicas\":0}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var hpa = CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("default").withName("web2");
        assertThat(entriesOf(hpa.get().getMetadata().getManagedFields(), "kubectl-autoscale")).singleElement()
                .satisfies(e -> assertThat(e.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:spec"));

        HttpResponse<String> status = raw("PATCH", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
                + "/web2/status?fieldManager=hpa-ctrl", "application/apply-patch+yaml", "{\"apiVersion\":"
                + "\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web2\"},"
                + "\"status\":{\"desiredReplicas\":3,\"currentReplicas\":1}}");
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(hpa.get().getStatus().getDesiredReplicas()).isEqualTo(3);
        // An update of the object with another status neither owns it nor takes it from the controller.
        hpa.edit(h -> {
            h.getSpec().setMaxReplicas(5);
            h.getStatus().setDesiredReplicas(9);
            return h;
        });
        List<ManagedFieldsEntry> entries = hpa.get().getMetadata().getManagedFields();
        assertThat(entriesOf(entries, "hpa-ctrl")).singleElement().satisfies(e -> assertThat(e.getFieldsV1()
                .getAdditionalProperties()).containsOnlyKeys("f:status"));
        assertThat(entries).filteredOn(e -> !e.getManager().equals("hpa-ctrl"))
                .allSatisfy(e -> assertThat(e.getFieldsV1().getAdditionalProperties()).doesNotContainKey("f:status"));
        hpa.delete();
    }

    @Test
    void anApplyOfADeploymentWithAStatusConflictsWithNoStatusWriter() throws Exception {
        var deployments = CLUSTER.client().apps().deployments().inNamespace("default");
        Deployment created = deployments.resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "web")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().withNewStatus().withReplicas(7).withObservedGeneration(7L).endStatus().build())
                .create();
        assertThat(created.getMetadata().getManagedFields()).singleElement().satisfies(e -> assertThat(e.getFieldsV1()
                .getAdditionalProperties()).doesNotContainKey("f:status"));
        // The deployment controller reports the status.
        await().atMost(Duration.ofSeconds(30)).until(() -> deployments.withName("web").get().getMetadata()
                .getManagedFields().stream().anyMatch(e -> "status".equals(e.getSubresource())));

        HttpResponse<String> applied = raw("PATCH", "/apis/apps/v1/namespaces/default/deployments/web"
                + "?fieldManager=manifests", "application/apply-patch+yaml", "{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"labels\":{\"tier\":\"front\"}},"
                + "\"status\":{\"observedGeneration\":99}}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        Deployment after = deployments.withName("web").get();
        assertThat(after.getStatus().getObservedGeneration()).isNotEqualTo(99L);
        assertThat(entriesOf(after.getMetadata().getManagedFields(), "manifests")).singleElement()
                .satisfies(e -> assertThat(e.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:metadata"));
        deployments.withName("web").delete();
    }
}
