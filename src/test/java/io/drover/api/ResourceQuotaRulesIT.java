package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * v1 ResourceQuotas through the fabric8 client, as ValidateResourceQuotaUpdate and ValidateResourceQuotaStatusUpdate
 * take their writes: the scopes never change, and a status write reports quota resources with amounts that can be.
 */
class ResourceQuotaRulesIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @AfterEach
    void clean() {
        CLUSTER.client().resourceQuotas().inNamespace("default").delete();
    }

    private static ResourceQuota bestEffortQuota(String name) {
        return CLUSTER.client().resourceQuotas().inNamespace("default").resource(new ResourceQuotaBuilder()
                .withNewMetadata().withName(name).endMetadata().withNewSpec().addToHard("pods", new Quantity("1"))
                .withScopes("BestEffort").endSpec().build()).create();
    }

    @Test
    void aQuotasScopesNeverChange() {
        bestEffortQuota("q5");

        assertThatThrownBy(() -> CLUSTER.client().resourceQuotas().inNamespace("default").withName("q5")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"scopes\":[\"NotBestEffort\"]}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).isEqualTo("ResourceQuota \"q5\" is invalid: spec.scopes: "
                            + "Invalid value: []core.ResourceQuotaScope{\"NotBestEffort\"}: field is immutable");
                });
        // Its limits may change.
        ResourceQuota raised = CLUSTER.client().resourceQuotas().inNamespace("default").withName("q5")
                .edit(q -> new ResourceQuotaBuilder(q).editSpec().addToHard("pods", new Quantity("2")).endSpec().build());
        assertThat(raised.getSpec().getHard().get("pods")).isEqualTo(new Quantity("2"));
        assertThat(raised.getSpec().getScopes()).containsExactly("BestEffort");
    }

    @Test
    void aStatusWriteReportsQuotaResourcesWithValidAmounts() {
        bestEffortQuota("q6");

        assertThatThrownBy(() -> CLUSTER.client().resourceQuotas().inNamespace("default").withName("q6")
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"status\":{\"hard\":{\"pods\":\"-3\"},\"used\":{\"pods\":\"1.5\",\"bogus\":\"1\"}}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).containsExactly(
                            "status.hard[pods]", "status.used[pods]", "status.used[bogus]", "status.used[bogus]");
                    // The quantity as Kubernetes prints it: in its canonical form.
                    assertThat(e.getStatus().getDetails().getCauses().get(1).getMessage())
                            .isEqualTo("Invalid value: \"1500m\": must be an integer");
                });
        ResourceQuota reported = CLUSTER.client().resourceQuotas().inNamespace("default").withName("q6")
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"status\":{\"hard\":{\"pods\":\"1\"},\"used\":{\"pods\":\"0\"}}}");
        assertThat(reported.getStatus().getUsed().get("pods")).isEqualTo(new Quantity("0"));
    }
}
