package io.drover.agent;

import io.drover.pod.PodFields;
import io.drover.proxy.AppliedRevisionLease;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One look at whether the service proxies may still send a terminating pod new connections;
 * pure, so {@link EndpointDrain} decides the same way in tests as against the API.
 *
 * <p>The pod is out of a Service when no slice of it lists the pod as ready or as serving. The
 * proxies (as kube-proxy) fall back to serving-terminating endpoints when a Service has no ready
 * one (KEP-1669), so a pod that still serves (Ready while terminating) is no longer sent traffic
 * only while another endpoint is ready, which can end at any moment (all of a Service's pods
 * deleted at once, a Recreate): such a pod must stop serving before it is stopped, its agent
 * marking it not ready ({@link Verdict.StopServing}). The last serving pod keeps its traffic until
 * a replacement is ready or the bound runs out. Then every live proxy must have applied the
 * Services' slices as they are now: their newest resourceVersion is the revision R each proxy's
 * {@link AppliedRevisionLease} must reach.
 */
final class DrainCheck {
    private DrainCheck() {}

    /** The outcome of one look. */
    sealed interface Verdict {
        /** No slice lists the pod: nothing to drain, stop it at once. */
        record NotBehindService() implements Verdict {}

        /** A Service's slices still send the pod traffic. */
        record Listed(String service, String why) implements Verdict {}

        /**
         * A Service has another ready endpoint but still lists the pod as serving, which it would
         * send traffic to again once no endpoint is ready: the pod is to be marked not ready.
         */
        record StopServing(String service) implements Verdict {}

        /** Out of the slices at revision {@code revision}; these nodes' proxies have not applied it yet. */
        record AwaitingProxies(long revision, List<String> nodes) implements Verdict {}

        /** Out of every Service and every live proxy has applied it (revision -1: its Services are gone). */
        record Drained(long revision) implements Verdict {}
    }

    /**
     * @param services the Services that listed the pod at earlier looks; this look adds to it, so a
     *     Service deleted meanwhile is known as gone rather than never there
     * @param slices the pod namespace's EndpointSlices (at least those of {@code services})
     * @param proxies the proxies' Leases, asked for only when the slices no longer offer the pod
     * @param outSince the revision an earlier look found the pod out of every Service at, which the
     *     proxies need to have applied however far other pods' changes have moved the slices since
     *     ({@link Long#MAX_VALUE} for none): under churn (a scale-down of many pods) the slices'
     *     newest revision keeps rising, and waiting for it held pods for the whole bound
     */
    static Verdict check(String podUid, Set<String> services, List<EndpointSlice> slices,
            Supplier<List<Lease>> proxies, Instant now, long outSince) {
        for (EndpointSlice slice : slices) {
            String service = serviceOf(slice);
            if (service != null && PodFields.list(slice.getEndpoints()).stream().anyMatch(e -> isPod(e, podUid))) {
                services.add(service);
            }
        }
        if (services.isEmpty()) {
            return new Verdict.NotBehindService();
        }
        long revision = -1;
        String stillServing = null;
        for (String service : services) {
            boolean podServing = false;
            boolean otherReady = false;
            for (EndpointSlice slice : slices) {
                if (!service.equals(serviceOf(slice))) {
                    continue;
                }
                revision = Math.max(revision, revision(slice));
                for (Endpoint e : PodFields.list(slice.getEndpoints())) {
                    if (isPod(e, podUid)) {
                        if (ready(e)) {
                            return new Verdict.Listed(service, "listed as ready");
                        }
                        podServing |= serving(e);
                    } else {
                        otherReady |= ready(e);
                    }
                }
            }
            if (podServing && !otherReady) {
                // One Service that has only this pod keeps it serving, whatever the others have.
                return new Verdict.Listed(service, "its only serving endpoint, with no ready one");
            }
            if (podServing) {
                stillServing = service;
            }
        }
        if (stillServing != null) {
            return new Verdict.StopServing(stillServing);
        }
        if (revision < 0) {
            return new Verdict.Drained(-1);
        }
        revision = Math.min(revision, outSince);
        List<String> behind = new ArrayList<>();
        for (Lease lease : proxies.get()) {
            OptionalLong applied = AppliedRevisionLease.applied(lease, now);
            if (applied.isPresent() && applied.getAsLong() < revision) {
                behind.add(lease.getSpec().getHolderIdentity());
            }
        }
        return behind.isEmpty() ? new Verdict.Drained(revision)
                : new Verdict.AwaitingProxies(revision, List.copyOf(new TreeSet<>(behind)));
    }

    private static String serviceOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels == null ? null : labels.get(DrainSource.SERVICE_NAME_LABEL);
    }

    private static boolean isPod(Endpoint e, String podUid) {
        return e.getTargetRef() != null && podUid.equals(e.getTargetRef().getUid());
    }

    /** As the EndpointSlice API (and the proxy's EndpointSelection): a missing ready condition is ready. */
    private static boolean ready(Endpoint e) {
        EndpointConditions c = e.getConditions();
        return c == null || !Boolean.FALSE.equals(c.getReady());
    }

    /** A missing serving condition is the ready one. */
    private static boolean serving(Endpoint e) {
        EndpointConditions c = e.getConditions();
        return c == null || c.getServing() == null ? ready(e) : c.getServing();
    }

    private static long revision(EndpointSlice slice) {
        try {
            return Long.parseLong(slice.getMetadata().getResourceVersion());
        } catch (NumberFormatException | NullPointerException e) {
            return -1;
        }
    }
}
