package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RuntimeClass admission of pods: the class must exist, its overhead becomes the pod's, its node selector and
 * tolerations join the pod's; Kubernetes' refusals, as 403s.
 */
class RuntimeClassAdmissionIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @AfterEach
    void clean() {
        CLUSTER.client().pods().inNamespace("default").withGracePeriod(0).delete();
        CLUSTER.client().resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).withLabel("test", "rc")
                .delete();
    }

    private static PodBuilder pod(String name, String runtimeClass) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withRuntimeClassName(runtimeClass).addNewContainer().withName("c").withImage("x").withCommand("sleep", "1")
                .endContainer().endSpec();
    }

    private static Pod create(PodBuilder pod) {
        return CLUSTER.client().pods().inNamespace("default").resource(pod.build()).create();
    }

    private static void refused(PodBuilder pod, String message) {
        assertThatThrownBy(() -> create(pod)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getStatus().getMessage()).isEqualTo(message);
        });
    }

    @Test
    void aPodGetsItsClassesOverheadAndSchedulingOrIsRefused() {
        CLUSTER.client().resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).resource(
                new RuntimeClassBuilder().withNewMetadata().withName("heavy").addToLabels("test", "rc").endMetadata()
                        .withHandler("process").withNewOverhead().addToPodFixed("cpu", new Quantity("250m"))
                        .endOverhead().withNewScheduling().addToNodeSelector("disk", "ssd").addToTolerations(
                                new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey("dedicated")
                                        .withOperator("Exists").build()).endScheduling().build())
                .create();

        Pod heavy = create(pod("heavy", "heavy").editSpec().addToNodeSelector("zone", "a").addNewToleration()
                .withKey("dedicated").withOperator("Equal").withValue("db").endToleration().endSpec());
        assertThat(heavy.getSpec().getOverhead()).containsEntry("cpu", new Quantity("250m"));
        assertThat(heavy.getSpec().getNodeSelector()).isEqualTo(Map.of("zone", "a", "disk", "ssd"));
        // MergeTolerations: the class's Exists covers the pod's Equal one.
        assertThat(heavy.getSpec().getTolerations()).filteredOn(t -> "dedicated".equals(t.getKey()))
                .extracting(t -> t.getKey() + " " + t.getOperator()).containsExactly("dedicated Exists");
        // The same overhead, written another way, is the class's.
        create(pod("same", "heavy").editSpec().addToOverhead("cpu", new Quantity("0.25")).endSpec());

        refused(pod("typo", "nope"), "pods \"typo\" is forbidden: pod rejected: RuntimeClass \"nope\" not found");
        refused(pod("more", "heavy").editSpec().addToOverhead("cpu", new Quantity("1")).endSpec(),
                "pods \"more\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        refused(pod("own", "process").editSpec().addToOverhead("cpu", new Quantity("1")).endSpec(),
                "pods \"own\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined "
                        + "Overhead");
        refused(pod("other-disk", "heavy").editSpec().addToNodeSelector("disk", "hdd").endSpec(),
                "pods \"other-disk\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[disk] = ssd; "
                        + "pod.spec.nodeSelector[disk] = hdd");
    }
}
