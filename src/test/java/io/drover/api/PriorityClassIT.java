package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * scheduling.k8s.io/v1 PriorityClasses and the Priority admission of pods: the system classes,
 * a class's value and policy written into the pods that name it, the global default, and
 * Kubernetes' refusals.
 */
class PriorityClassIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @AfterEach
    void clean() {
        CLUSTER.client().pods().inNamespace("default").withGracePeriod(0).delete();
        CLUSTER.client().scheduling().v1().priorityClasses().withLabel("test", "priority").delete();
    }

    @Test
    void podsGetTheirClassesValueAndPolicyOrZero() {
        assertThat(CLUSTER.client().scheduling().v1().priorityClasses().withName("system-cluster-critical").get().getValue())
                .isEqualTo(2_000_000_000);
        priorityClass("batch", 100, false, "Never");
        Pod batch = pod("job", "batch");
        assertThat(batch.getSpec().getPriority()).isEqualTo(100);
        assertThat(batch.getSpec().getPreemptionPolicy()).isEqualTo("Never");

        Pod plain = pod("plain", null);
        assertThat(plain.getSpec().getPriority()).isZero();
        assertThat(plain.getSpec().getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
        assertThat(plain.getSpec().getPriorityClassName()).isNull();

        assertThat(pod("critical", "system-node-critical").getSpec().getPriority()).isEqualTo(2_000_001_000);
    }

    @Test
    void theGlobalDefaultGoesToPodsWithoutAClassAndThereIsOnlyOne() {
        priorityClass("everyday", 10, true, null);
        Pod pod = pod("defaulted", null);
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("everyday");
        assertThat(pod.getSpec().getPriority()).isEqualTo(10);

        assertThatThrownBy(() -> priorityClass("another", 20, true, null))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).isEqualTo("priorityclasses.scheduling.k8s.io \"another\" is "
                            + "forbidden: PriorityClass everyday is already marked as default. Only one default can exist");
                });
        priorityClass("later", 30, false, null);
        assertThatThrownBy(() -> CLUSTER.client().scheduling().v1().priorityClasses().withName("later").edit(pc -> {
            pc.setGlobalDefault(true);
            return pc;
        })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        // The default itself may be written again.
        CLUSTER.client().scheduling().v1().priorityClasses().withName("everyday").edit(pc -> {
            pc.setDescription("the usual");
            return pc;
        });
    }

    @Test
    void refusesUnknownClassesForgedPrioritiesAndReservedOrChangedValues() {
        assertThatThrownBy(() -> pod("lost", "nope"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage())
                            .isEqualTo("pods \"lost\" is forbidden: no PriorityClass with name nope was found");
                });
        assertThatThrownBy(() -> CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder(podSpec("forged", null))
                .editSpec().withPriority(5).endSpec().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .contains("the integer value of priority (5) must not be provided in pod spec; priority "
                                + "admission controller computed 0 from the given PriorityClass name"));
        assertThatThrownBy(() -> priorityClass("system-mine", 5, false, null))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .contains("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved "
                                + "for system use only. error: system-mine is not a known system priority class"));
        assertThatThrownBy(() -> priorityClass("too-high", 1_000_000_001, false, null))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .contains("value: Forbidden: maximum allowed value of a user defined priority is 1000000000"));
        priorityClass("fixed", 7, false, null);
        assertThatThrownBy(() -> CLUSTER.client().scheduling().v1().priorityClasses().withName("fixed").edit(pc -> {
            pc.setValue(8);
            return pc;
        })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                .contains("value: Forbidden: may not be changed in an update."));
    }

    @Test
    void theSystemClassesCannotBeDeleted() {
        for (String name : List.of("system-node-critical", "system-cluster-critical")) {
            assertThatThrownBy(() -> CLUSTER.client().scheduling().v1().priorityClasses().withName(name).delete())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getStatus().getMessage()).isEqualTo("priorityclasses.scheduling.k8s.io \"" + name
                                + "\" is forbidden: this is a system priority class and cannot be deleted");
                    });
            assertThat(CLUSTER.client().scheduling().v1().priorityClasses().withName(name).get()).isNotNull();
        }
    }

    private static PriorityClass priorityClass(String name, int value, boolean globalDefault, String policy) {
        return CLUSTER.client().scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
                .withName(name).addToLabels("test", "priority").endMetadata().withValue(value)
                .withGlobalDefault(globalDefault).withPreemptionPolicy(policy).build()).create();
    }

    private static Pod pod(String name, String priorityClass) {
        return CLUSTER.client().pods().inNamespace("default").resource(podSpec(name, priorityClass)).create();
    }

    private static Pod podSpec(String name, String priorityClass) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withPriorityClassName(priorityClass).addNewContainer().withName("app").withImage("process")
                .withCommand("sleep", "1").endContainer().endSpec().build();
    }
}
