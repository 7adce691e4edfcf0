package io.drover.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the stop of a deleted pod until no service proxy sends it new connections, so a
 * rollout fails no request without a preStop sleep in every app (issue #6). In Kubernetes the
 * kubelet's SIGTERM and the endpoint removal race; here the agent first waits until the
 * EndpointSlices no longer offer the pod ({@link DrainCheck}) and every live proxy has published,
 * on its {@link io.drover.proxy.AppliedRevisionLease}, that it applied them; then until the pod has
 * accepted the connections the proxies opened to it before that ({@link AcceptBacklog}), which an
 * app that stops accepting at SIGTERM would otherwise leave unanswered.
 *
 * <p>Bounded: at most {@link #MAX_WAIT}, never longer than the pod's grace period, which the wait
 * counts against (as a preStop hook's time is). A pod no slice lists is stopped at once, after one
 * list of its namespace's slices. The wait does not hold an agent worker: the pod's reconcile asks
 * again after {@link #RECHECK}.
 */
final class EndpointDrain {
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    static final Duration RECHECK = Duration.ofMillis(50);
    /** A drain whose pod vanished (force-deleted meanwhile) is forgotten after this long. */
    private static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(EndpointDrain.class);

    private final DrainSource source;
    private final ToIntFunction<Pod> backlog;
    private final Clock clock;
    private final Map<String, Drain> drains = new ConcurrentHashMap<>();

    /** One pod's drain. */
    private static final class Drain {
        final Instant started;
        final Duration limit;
        final Set<String> services = new HashSet<>();
        /** Every proxy applied the slices without the pod; what is left is its accept backlog. */
        boolean proxiesDone;
        /** The pod was marked not ready, to stop serving. */
        boolean unserving;
        /** The revision the pod was first found out of every Service at, which the proxies must reach. */
        long outSince = Long.MAX_VALUE;
        /** How long the drain took, once it is over. */
        Duration took;

        Drain(Instant started, Duration limit) {
            this.started = started;
            this.limit = limit;
        }
    }

    /** @param backlog the connections waiting for a pod to accept them ({@link AcceptBacklog#of}) */
    EndpointDrain(DrainSource source, ToIntFunction<Pod> backlog, Clock clock) {
        this.source = source;
        this.backlog = backlog;
        this.clock = clock;
    }

    /**
     * Null when the deleted {@code pod} may be stopped now; otherwise how long to wait before asking
     * again. {@code stopServing} marks the pod not ready, so that no Service falls back to it, and
     * says whether that was written; it is called when the pod is the last thing keeping the drain
     * from its end, until it succeeds.
     */
    Duration holdOff(Pod pod, Duration grace, java.util.function.BooleanSupplier stopServing) {
        if (!grace.isPositive()) {
            return null; // a kill without grace waits for nothing
        }
        Instant now = clock.instant();
        drains.values().removeIf(d -> d.started.plus(FORGET_AFTER).isBefore(now));
        Drain drain = drains.computeIfAbsent(pod.getMetadata().getUid(),
                uid -> new Drain(now, grace.compareTo(MAX_WAIT) < 0 ? grace : MAX_WAIT));
        if (drain.took != null) {
            return null;
        }
        Duration elapsed = Duration.between(drain.started, now);
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        if (drain.proxiesDone) {
            return awaitBacklog(pod, key, drain, elapsed);
        }
        DrainCheck.Verdict verdict;
        try {
            verdict = DrainCheck.check(pod.getMetadata().getUid(), drain.services,
                    source.slices(pod.getMetadata().getNamespace(), Set.copyOf(drain.services)),
                    source::proxyLeases, now, drain.outSince);
        } catch (KubernetesClientException e) {
            verdict = new DrainCheck.Verdict.Listed("?", "the API could not be read: " + e.getMessage());
        }
        switch (verdict) {
            case DrainCheck.Verdict.NotBehindService v -> {
                drain.took = elapsed;
                return null;
            }
            case DrainCheck.Verdict.Drained v -> {
                drain.proxiesDone = true;
                log.debug("pod {}: out of every service proxy after {} ms (revision {})", key, elapsed.toMillis(),
                        v.revision());
                return awaitBacklog(pod, key, drain, elapsed);
            }
            default -> {
                if (verdict instanceof DrainCheck.Verdict.AwaitingProxies awaiting) {
                    drain.outSince = Math.min(drain.outSince, awaiting.revision());
                }
                if (verdict instanceof DrainCheck.Verdict.StopServing && !drain.unserving) {
                    drain.unserving = stopServing.getAsBoolean();
                }
                if (elapsed.compareTo(drain.limit) >= 0) {
                    drain.took = elapsed;
                    log.warn("pod {}: stopping it after waiting {} ms for the service proxies: {}", key,
                            elapsed.toMillis(), describe(verdict));
                    return null;
                }
                Duration left = drain.limit.minus(elapsed);
                return left.compareTo(RECHECK) < 0 ? left : RECHECK;
            }
        }
    }

    /** Null once the pod has accepted every connection the proxies opened to it, or the wait is up. */
    private Duration awaitBacklog(Pod pod, String key, Drain drain, Duration elapsed) {
        int waiting = backlog.applyAsInt(pod);
        if (waiting == 0) {
            drain.took = elapsed;
            return null;
        }
        if (elapsed.compareTo(drain.limit) >= 0) {
            drain.took = elapsed;
            log.warn("pod {}: stopping it after waiting {} ms with {} connections it has not accepted", key,
                    elapsed.toMillis(), waiting);
            return null;
        }
        Duration left = drain.limit.minus(elapsed);
        return left.compareTo(RECHECK) < 0 ? left : RECHECK;
    }

    /**
     * The grace period left to stop the pod once its drain is over (the wait is counted in it, but
     * the containers keep at least the kubelet's minimum, or the whole grace period if shorter), and
     * forgets the drain.
     */
    Duration graceLeft(Pod pod, Duration grace) {
        Drain drain = drains.remove(pod.getMetadata().getUid());
        if (drain == null || drain.took == null) {
            return grace;
        }
        Duration left = grace.minus(drain.took);
        Duration floor = grace.compareTo(LifecycleHooks.MIN_STOP_GRACE) < 0 ? grace : LifecycleHooks.MIN_STOP_GRACE;
        return left.compareTo(floor) < 0 ? floor : left;
    }

    private static String describe(DrainCheck.Verdict verdict) {
        return switch (verdict) {
            case DrainCheck.Verdict.Listed l -> "Service " + l.service() + ": " + l.why();
            case DrainCheck.Verdict.StopServing s -> "Service " + s.service() + ": still listed as serving";
            case DrainCheck.Verdict.AwaitingProxies a -> "the proxies of " + a.nodes() + " have not applied revision "
                    + a.revision();
            default -> verdict.toString();
        };
    }
}
