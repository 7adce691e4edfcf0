package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HorizontalPodAutoscalers through autoscaling/v2 (the fabric8 client) and autoscaling/v1 (raw JSON, as kubectl and
 * older clients send it): the v1 round-trip annotations never stored from a v2 write nor read back stale, v1's
 * replica counts always in its status, and a ContainerResource metric checked as Kubernetes checks it.
 */
class HorizontalPodAutoscalerVersionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @AfterEach
    void clean() {
        CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("default").delete();
    }

    private static HttpResponse<String> raw(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HorizontalPodAutoscalerBuilder hpa(String name) {
        return new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web")
                .endScaleTargetRef().withMaxReplicas(3).endSpec();
    }

    @Test
    void roundTripAnnotationsAreNeverStoredFromV2AndAV1ReadCanBeWrittenBack() throws Exception {
        var hpas = CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("default");
        HorizontalPodAutoscaler created = hpas.resource(hpa("junk").editMetadata()
                .addToAnnotations("autoscaling.alpha.kubernetes.io/conditions", "junk")
                .addToAnnotations("autoscaling.alpha.kubernetes.io/metrics", "junk")
                .addToAnnotations("team", "a").endMetadata().build()).create();
        assertThat(created.getMetadata().getAnnotations()).containsExactly(Map.entry("team", "a"));
        HorizontalPodAutoscaler updated = hpas.withName("junk").edit(h -> new HorizontalPodAutoscalerBuilder(h)
                .editMetadata().addToAnnotations("autoscaling.alpha.kubernetes.io/behavior", "junk").endMetadata().build());
        assertThat(updated.getMetadata().getAnnotations()).containsOnlyKeys("team");

        HttpResponse<String> read = raw("GET", V1 + "/junk", null);
        assertThat(read.statusCode()).isEqualTo(200);
        JsonNode v1 = JSON.readTree(read.body());
        assertThat(v1.at("/metadata/annotations").properties()).extracting(Map.Entry::getKey).containsExactly("team");
        // v1's status has its replica counts whatever they are, as Go writes fields without omitempty.
        assertThat(v1.get("status")).isEqualTo(JSON.readTree("{\"currentReplicas\":0,\"desiredReplicas\":0}"));
        HttpResponse<String> written = raw("PUT", V1 + "/junk", read.body());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    }

    @Test
    void aV1ReadCarriesTheAnnotationsOfItsOwnConversion() throws Exception {
        var hpas = CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("default");
        hpas.resource(hpa("memory").editSpec().addNewMetric().withType("Resource").withNewResource().withName("memory")
                .withNewTarget().withType("Utilization").withAverageUtilization(70).endTarget().endResource()
                .endMetric().withNewBehavior().withNewScaleUp().withStabilizationWindowSeconds(60).endScaleUp()
                .endBehavior().endSpec().build()).create();

        JsonNode v1 = JSON.readTree(raw("GET", V1 + "/memory", null).body());
        JsonNode annotations = v1.at("/metadata/annotations");
        assertThat(annotations.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "autoscaling.alpha.kubernetes.io/metrics", "autoscaling.alpha.kubernetes.io/behavior");
        // The internal type marshalled, as the conversion writes it: Go's field names, nulls included (scale down
        // has no stabilization window by default).
        JsonNode behavior = JSON.readTree(annotations.get("autoscaling.alpha.kubernetes.io/behavior").asText());
        assertThat(behavior.path("ScaleUp").path("StabilizationWindowSeconds").asInt()).isEqualTo(60);
        assertThat(behavior.path("ScaleDown").path("StabilizationWindowSeconds").isNull()).isTrue();

        HttpResponse<String> written = raw("PUT", V1 + "/memory", v1.toString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        HorizontalPodAutoscaler stored = hpas.withName("memory").get();
        assertThat(stored.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(stored.getSpec().getMetrics()).singleElement()
                .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("memory"));
        assertThat(stored.getSpec().getBehavior().getScaleUp().getStabilizationWindowSeconds()).isEqualTo(60);
        assertThat(stored.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isNull();
    }

    @Test
    void aContainerResourceMetricNamesAContainerResourceAndAContainer() {
        HorizontalPodAutoscaler bad = hpa("cr").editSpec().addNewMetric().withType("ContainerResource")
                .withNewContainerResource().withName("foo").withContainer("Bad_C").withNewTarget().withType("Utilization")
                .withAverageUtilization(5).endTarget().endContainerResource().endMetric().endSpec().build();
        var hpas = CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace("default");

        KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                () -> hpas.resource(bad).create());
        assertThat(refused.getCode()).isEqualTo(422);
        assertThat(refused.getStatus().getDetails().getCauses()).extracting(c -> c.getField() + ": " + c.getMessage())
                .containsExactly(
                        "spec.metrics[0].containerResource.name: Invalid value: \"foo\": must be a standard resource "
                                + "type or fully qualified",
                        "spec.metrics[0].containerResource.name: Invalid value: \"foo\": must be a standard resource "
                                + "for containers",
                        "spec.metrics[0].containerResource.container: Invalid value: \"Bad_C\": a lowercase RFC 1123 "
                                + "label must consist of lower case alphanumeric characters or '-', and must start and "
                                + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                                + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        hpas.resource(hpa("cr-ok").editSpec().addNewMetric().withType("ContainerResource").withNewContainerResource()
                .withName("cpu").withContainer("app").withNewTarget().withType("Utilization").withAverageUtilization(50)
                .endTarget().endContainerResource().endMetric().endSpec().build()).create();
    }

    /**
     * A v1 body is decoded as v1 before it is converted: a misspelled v1 field fails a Strict write and is warned
     * about under Warn (the conversion to v2 would drop it and the target fall back to 80%), an apply names it as
     * undeclared in v1's schema, and a v2 body is not a v1 one.
     */
    @Test
    void unknownFieldsOfAV1BodyAreFoundInV1() throws Exception {
        String typo = "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":"
                + "{\"name\":\"typo\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
                + "\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3,\"targetCPUUtilisationPercentage\":50}}";

        HttpResponse<String> strict = raw("POST", V1 + "?fieldValidation=Strict", typo);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(strict.body()).path("message").asText()).isEqualTo("HorizontalPodAutoscaler in "
                + "version \"v1\" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: unknown field "
                + "\"spec.targetCPUUtilisationPercentage\"");

        HttpResponse<String> warned = raw("POST", V1, typo);
        assertThat(warned.statusCode()).as(warned.body()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning"))
                .containsExactly("299 - \"unknown field \\\"spec.targetCPUUtilisationPercentage\\\"\"");

        HttpRequest apply = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + V1
                        + "/typo?fieldManager=me"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .header("Content-Type", "application/apply-patch+yaml")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(typo.replace("Utilisation", "Bogus"))).build();
        HttpResponse<String> applied = CLUSTER.cluster().httpClient().send(apply, HttpResponse.BodyHandlers.ofString());
        assertThat(applied.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(applied.body()).path("message").asText()).isEqualTo("failed to create typed patch "
                + "object (default/typo; autoscaling/v1, Kind=HorizontalPodAutoscaler): .spec.targetCPUBogusPercentage: "
                + "field not declared in schema");

        HttpResponse<String> v2 = raw("POST", V1, typo.replace("autoscaling/v1", "autoscaling/v2"));
        assertThat(v2.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(v2.body()).path("message").asText()).isEqualTo("the API version in the data "
                + "(autoscaling/v2) does not match the expected API version (autoscaling/v1)");
    }
}
