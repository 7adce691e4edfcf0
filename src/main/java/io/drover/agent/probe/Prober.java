package io.drover.agent.probe;

import io.drover.agent.runtime.Runtime;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;

/** Runs a probe once by its handler: httpGet, tcpSocket, exec or grpc. */
final class Prober {
    private final HttpGetProber http;
    private final TcpSocketProber tcp;
    private final ExecProber exec;
    private final GrpcProber grpc;

    Prober(ProbePorts ports, Runtime runtime) {
        this.exec = new ExecProber(runtime);
        this.http = new HttpGetProber(ports);
        this.tcp = new TcpSocketProber(ports);
        this.grpc = new GrpcProber(ports);
    }

    ProbeResult run(ProbeTarget target, Probe probe, Duration timeout) throws InterruptedException {
        if (probe.getExec() != null) {
            return exec.probe(target, probe.getExec(), timeout);
        }
        if (probe.getHttpGet() != null) {
            return http.probe(target, probe.getHttpGet(), timeout);
        }
        if (probe.getTcpSocket() != null) {
            return tcp.probe(target, probe.getTcpSocket(), timeout);
        }
        if (probe.getGrpc() != null) {
            return grpc.probe(target, probe.getGrpc(), timeout);
        }
        var meta = target.pod().getMetadata();
        return ProbeResult.error("missing probe handler for " + meta.getName() + "_" + meta.getNamespace() + "("
                + meta.getUid() + "):" + target.container().getName());
    }
}
