package io.drover.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hand-encoded grpc.health.v1 messages, against the bytes protoc's encoders produce. */
class GrpcProberTest {

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
