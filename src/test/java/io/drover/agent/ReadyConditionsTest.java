package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadyConditionsTest {
    private static final PodSpec SPEC = new PodSpecBuilder().addNewContainer().withName("a").endContainer()
            .addNewContainer().withName("b").endContainer().addNewContainer().withName("c").endContainer().build();

    private static ContainerStatus status(String name, boolean ready) {
        return new ContainerStatusBuilder().withName(name).withReady(ready).build();
    }

    @Test
    void namesTheUnreadyAndUnknownContainersAsKubeletDoes() {
        var verdict = ReadyConditions.containersReady(SPEC, List.of(), List.of(status("a", false), status("b", false)), "Running");
        assertThat(verdict).isEqualTo(new ReadyConditions.Verdict("False", "ContainersNotReady",
                "containers with unknown status: [c], containers with unready status: [a b]"));
    }

    @Test
    void trueWhenEveryContainerIsReady() {
        var verdict = ReadyConditions.containersReady(SPEC, List.of(), List.of(status("a", true), status("b", true),
                status("c", true)), "Running");
        assertThat(verdict).isEqualTo(ReadyConditions.TRUE);
    }

    @Test
    void sidecarsCountFirstAndOtherInitContainersNot() {
        PodSpec spec = new PodSpecBuilder(SPEC).addNewInitContainer().withName("setup").endInitContainer()
                .addNewInitContainer().withName("proxy").withRestartPolicy("Always").endInitContainer().build();
        List<ContainerStatus> ready = List.of(status("a", true), status("b", true), status("c", true));

        assertThat(ReadyConditions.containersReady(spec, List.of(status("setup", true), status("proxy", true)), ready,
                "Running")).isEqualTo(ReadyConditions.TRUE);
        assertThat(ReadyConditions.containersReady(spec, List.of(status("setup", false), status("proxy", false)),
                List.of(status("a", false), status("b", true), status("c", true)), "Running").message())
                .isEqualTo("containers with unready status: [proxy a]");
    }

    @Test
    void readinessGatesHoldReadyUntilTheirConditionsAreTrue() {
        PodSpec gated = new PodSpecBuilder(SPEC).addNewReadinessGate().withConditionType("example.com/lb").endReadinessGate()
                .addNewReadinessGate().withConditionType("example.com/dns").endReadinessGate().build();
        var lbFalse = new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("example.com/lb")
                .withStatus("False").build();

        assertThat(ReadyConditions.podReady(gated, ReadyConditions.TRUE, List.of(lbFalse))).isEqualTo(
                new ReadyConditions.Verdict("False", "ReadinessGatesNotReady", "the status of pod readiness gate "
                        + "\"example.com/lb\" is not \"True\", but False, corresponding condition of pod readiness gate "
                        + "\"example.com/dns\" does not exist."));
        var notReady = new ReadyConditions.Verdict("False", "ContainersNotReady", "containers with unready status: [a]");
        assertThat(ReadyConditions.podReady(gated, notReady, List.of())).isEqualTo(notReady);
        assertThat(ReadyConditions.podReady(SPEC, ReadyConditions.TRUE, List.of())).isEqualTo(ReadyConditions.TRUE);
    }

    @Test
    void terminalPodsSayWhyTheyAreNotReady() {
        List<ContainerStatus> done = List.of(status("a", false), status("b", false), status("c", false));
        assertThat(ReadyConditions.containersReady(SPEC, List.of(), done, "Succeeded").reason()).isEqualTo("PodCompleted");
        assertThat(ReadyConditions.containersReady(SPEC, List.of(), done, "Failed").reason()).isEqualTo("PodFailed");
    }
}
