package io.drover.proxy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The Lease through which a node's service proxy says how far it has applied EndpointSlice
 * changes: {@code kube-node-lease/<node>-proxy}, labelled {@value #LABEL}, with the store revision
 * in the annotation {@value #ANNOTATION}. A node agent that stops a pod behind a Service reads these
 * Leases to know that no proxy sends the pod new connections any more.
 *
 * <p>Why a Lease and not an annotation on the Node: a Node write wakes every Node watcher (the
 * scheduler, the controllers, kubectl) and conflicts with the agent's status writes, while Leases in
 * kube-node-lease are watched by nobody; and a Lease says whether its holder is alive
 * (renewTime + leaseDurationSeconds), so an agent never waits for the acknowledgement of a proxy
 * that is gone.
 *
 * <p>drover relies on resourceVersions being its store's revisions, one number growing across all
 * objects (both the SQLite and the etcd store, see io.drover.store), so a proxy's revision and an
 * EndpointSlice's resourceVersion compare as numbers. Kubernetes tells clients to treat them as
 * opaque; this is drover talking to itself.
 */
public final class AppliedRevisionLease {
    public static final String NAMESPACE = "kube-node-lease";
    public static final String ANNOTATION = "drover.io/proxy-applied-revision";
    /** On every proxy Lease, with the node's name as value, so they are listed with one selector. */
    public static final String LABEL = "drover.io/service-proxy";
    /** As the node Lease: renewed every 10 s, expired after 40 s. */
    static final int DURATION_SECONDS = 40;

    private AppliedRevisionLease() {}

    /** The Lease name of the proxy on {@code node}. */
    public static String name(String node) {
        return node + "-proxy";
    }

    /**
     * The revision up to which the holder of a Lease has applied EndpointSlice changes; empty when
     * the Lease expired (its proxy is gone) or carries no number.
     */
    public static OptionalLong applied(Lease lease, Instant now) {
        var spec = lease.getSpec();
        if (spec == null || spec.getRenewTime() == null) {
            return OptionalLong.empty();
        }
        int seconds = spec.getLeaseDurationSeconds() == null ? DURATION_SECONDS : spec.getLeaseDurationSeconds();
        if (spec.getRenewTime().toInstant().plusSeconds(seconds).isBefore(now)) {
            return OptionalLong.empty();
        }
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(ANNOTATION);
        try {
            return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
