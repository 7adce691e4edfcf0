package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * kubelet's grpc probe (pkg/probe/grpc): one {@code grpc.health.v1.Health/Check} call without TLS,
 * passing when the answer is SERVING. The two messages are tiny (a string, an enum), so they are
 * encoded here by hand over grpc-java (which jetcd brings) rather than adding grpc-services for
 * its generated classes.
 */
final class GrpcProber {
    private static final String[] STATUS_NAMES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    /** grpc.health.v1.Health/Check with raw message bytes (the probe's one call; the tests' server serves it). */
    static final MethodDescriptor<byte[], byte[]> CHECK = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("grpc.health.v1.Health/Check")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private final ProbePorts ports;

    /** A prober that reaches a probe's port where {@code ports} says the process listens (its allocated host port). */
    GrpcProber(ProbePorts ports) {
        this.ports = ports;
    }

    ProbeResult probe(ProbeTarget target, GRPCAction action, Duration timeout) {
        if (action.getPort() == null || action.getPort() < 1 || action.getPort() > 65535) {
            return ProbeResult.error("invalid port number: " + action.getPort());
        }
        int port;
        try {
            // A declared containerPort is served on its allocated host port, as for httpGet and tcpSocket probes.
            port = ports.resolve(target.pod(), target.container(), new IntOrString(action.getPort()));
        } catch (IllegalArgumentException e) {
            return ProbeResult.error(e.getMessage());
        }
        String addr = (target.podIp().indexOf(':') >= 0 ? "[" + target.podIp() + "]" : target.podIp()) + ":" + port;
        ManagedChannel channel = Grpc.newChannelBuilder(addr, InsecureChannelCredentials.create())
                .userAgent(HttpGetProber.USER_AGENT).build();
        try {
            byte[] response = ClientCalls.blockingUnaryCall(channel, CHECK,
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    request(action.getService()));
            int status = servingStatus(response);
            if (status != 1) {
                String name = status >= 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : Integer.toString(status);
                return ProbeResult.failure("service unhealthy (responded with \"" + name + "\")");
            }
            return ProbeResult.success("service healthy");
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            return ProbeResult.failure(switch (s.getCode()) {
                case UNIMPLEMENTED -> "server does not implement the grpc health protocol (grpc.health.v1.Health): "
                        + describe(s);
                case DEADLINE_EXCEEDED -> "timeout: health rpc did not complete within " + timeout.toSeconds() + "s";
                case UNAVAILABLE -> "error: failed to connect service at \"" + addr + "\": " + describe(s);
                default -> "error: health rpc probe failed: " + describe(s);
            });
        } finally {
            channel.shutdownNow();
        }
    }

    private static String describe(Status s) {
        return "rpc error: code = " + s.getCode() + " desc = " + (s.getDescription() == null ? "" : s.getDescription());
    }

    /** HealthCheckRequest{service = 1}: the field only when set, as proto3 does. */
    static byte[] request(String service) {
        byte[] name = service == null ? new byte[0] : service.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0) {
            return new byte[0];
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x0a); // field 1, length-delimited
        for (int n = name.length; ; n >>>= 7) { // varint length
            if (n < 0x80) {
                out.write(n);
                break;
            }
            out.write((n & 0x7f) | 0x80);
        }
        out.writeBytes(name);
        return out.toByteArray();
    }

    /** HealthCheckResponse{status = 1} (an enum, a varint); absent means 0, UNKNOWN. */
    static int servingStatus(byte[] message) {
        int i = 0;
        while (i < message.length) {
            int tag = message[i++] & 0xff;
            int wireType = tag & 7;
            long value = 0;
            if (wireType == 0) {
                for (int shift = 0; i < message.length; shift += 7) {
                    int b = message[i++] & 0xff;
                    value |= (long) (b & 0x7f) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                if (tag >>> 3 == 1) {
                    return (int) value;
                }
            } else if (wireType == 2) {
                int length = 0;
                for (int shift = 0; i < message.length; shift += 7) {
                    int b = message[i++] & 0xff;
                    length |= (b & 0x7f) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                i += length;
            } else {
                return 0; // a field this message never has: treat as not serving
            }
        }
        return 0;
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
