package io.drover.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.ports.HostPortAnnotation;
import io.drover.ports.PodPorts;
import io.fabric8.kubernetes.api.model.GRPCActionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hand-encoded grpc.health.v1 messages, against the bytes protoc's encoders produce; and a real probe. */
class GrpcProberTest {
    /** The process's side of a declared containerPort 9000: a real gRPC health server on a free port. */
    @Test
    void aDeclaredPortIsProbedWhereTheProcessListens() throws Exception {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(servingHealth()).build().start();
        try {
            Pod pod = new PodBuilder().withNewMetadata().withName("p")
                    .addToAnnotations(HostPortAnnotation.KEY, "grpc:9000/TCP=" + server.getPort()).endMetadata()
                    .withNewSpec().addNewContainer().withName("c").addNewPort().withName("grpc").withContainerPort(9000)
                    .endPort().endContainer().endSpec().build();
            ProbeTarget target = new ProbeTarget(pod, pod.getSpec().getContainers().get(0), null, "127.0.0.1");

            ProbeResult result = new GrpcProber(ProbePorts.allocated(PodPorts::of)).probe(target,
                    new GRPCActionBuilder().withPort(9000).build(), Duration.ofSeconds(5));

            assertThat(result.outcome()).as(result.output()).isEqualTo(ProbeResult.Outcome.SUCCESS);
        } finally {
            server.shutdownNow().awaitTermination();
        }
    }

    private static ServerServiceDefinition servingHealth() {
        return ServerServiceDefinition.builder("grpc.health.v1.Health")
                .addMethod(GrpcProber.CHECK, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(new byte[] {0x08, 1}); // SERVING
                    response.onCompleted();
                })).build();
    }

    @Test
    void encodesTheServiceNameOnlyWhenSet() {
        assertThat(GrpcProber.request("")).isEmpty();
        assertThat(GrpcProber.request(null)).isEmpty();
        assertThat(GrpcProber.request("db")).containsExactly(0x0a, 2, 'd', 'b');
        byte[] longName = GrpcProber.request("x".repeat(200));
        assertThat(longName[0]).isEqualTo((byte) 0x0a);
        assertThat(longName[1]).isEqualTo((byte) (200 & 0x7f | 0x80));
        assertThat(longName[2]).isEqualTo((byte) 1);
        assertThat(longName).hasSize(203);
    }

    @Test
    void readsTheServingStatus() {
        assertThat(GrpcProber.servingStatus(new byte[] {0x08, 1})).isEqualTo(1);
        assertThat(GrpcProber.servingStatus(new byte[] {0x08, 2})).isEqualTo(2);
        assertThat(GrpcProber.servingStatus(new byte[0])).as("proto3 leaves out UNKNOWN (0)").isZero();
        // An unknown length-delimited field before the status is skipped.
        assertThat(GrpcProber.servingStatus(new byte[] {0x12, 1, 'x', 0x08, 1})).isEqualTo(1);
    }
}
