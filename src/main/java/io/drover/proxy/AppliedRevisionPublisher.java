package io.drover.proxy;

import io.drover.controller.BoundedCall;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the revision up to which this node's proxy has applied EndpointSlice changes on its
 * {@link AppliedRevisionLease}, and renews that Lease every 10 s so agents know the proxy lives.
 *
 * <p>Writes are coalesced: one writer thread, at most one write queued behind the one in flight,
 * and each write sends the newest revision, so a burst of slice changes costs one or two writes.
 * A failed write is retried by the next change or renewal. Closing deletes the Lease: a proxy that
 * stopped is no longer waited for.
 */
final class AppliedRevisionPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppliedRevisionPublisher.class);
    static final Duration RENEW = Duration.ofSeconds(10);
    /** How long stopping waits for the write in flight, then for the Lease's deletion. */
    private static final Duration CLOSE_WAIT = BoundedCall.ON_STOP;

    private final KubernetesClient client;
    private final String node;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    private final AtomicLong applied = new AtomicLong(-1);
    private final AtomicBoolean writeQueued = new AtomicBoolean();
    /** The revision last written; writer thread only. */
    private long published = -1;

    AppliedRevisionPublisher(KubernetesClient client, String node, Clock clock) {
        this.client = client;
        this.node = node;
        this.clock = clock;
        this.writer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("service-proxy-ack").daemon().factory());
    }

    /** Starts the renewals; the first write happens with the first applied revision. */
    void start() {
        writer.scheduleWithFixedDelay(() -> write(true), RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every change up to {@code revision} is applied: new connections follow it. */
    void applied(long revision) {
        long before = applied.getAndAccumulate(revision, Math::max);
        if (revision > before && writeQueued.compareAndSet(false, true) && !writer.isShutdown()) {
            writer.execute(() -> {
                writeQueued.set(false);
                write(false);
            });
        }
    }

    private void write(boolean renew) {
        long revision = applied.get();
        if (revision < 0 || (!renew && revision <= published)) {
            return;
        }
        Lease lease = new LeaseBuilder().withNewMetadata().withName(AppliedRevisionLease.name(node))
                .withNamespace(AppliedRevisionLease.NAMESPACE).addToLabels(AppliedRevisionLease.LABEL, node)
                .addToAnnotations(AppliedRevisionLease.ANNOTATION, Long.toString(revision)).endMetadata()
                .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds(AppliedRevisionLease.DURATION_SECONDS)
                .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).endSpec().build();
        var leases = client.resources(Lease.class).inNamespace(AppliedRevisionLease.NAMESPACE);
        try {
            try {
                leases.withName(lease.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                        client.getKubernetesSerialization().asJson(lease));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                leases.resource(lease).create();
            }
            published = revision;
        } catch (KubernetesClientException e) {
            log.warn("service proxy of node {}: publishing applied revision {} failed: {}", node, revision,
                    e.toString());
        }
    }

    /**
     * Stops the renewals and deletes the Lease, each waited for at most {@link #CLOSE_WAIT}: an
     * undeleted Lease expires after its duration ({@link BoundedCall}).
     */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                writer.shutdownNow();
            }
            if (!BoundedCall.run("service-proxy-lease-delete", CLOSE_WAIT, this::deleteLease)) {
                log.info("service proxy of node {}: its Lease was not deleted within {} s; it expires by itself",
                        node, CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteLease() {
        try {
            client.resources(Lease.class).inNamespace(AppliedRevisionLease.NAMESPACE)
                    .withName(AppliedRevisionLease.name(node)).delete();
        } catch (KubernetesClientException e) {
            log.debug("service proxy of node {}: deleting its Lease failed: {}", node, e.toString());
        }
    }
}
