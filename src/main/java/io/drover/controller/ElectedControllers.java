package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers (and the scheduler) of a server that shares its datastore with others: they run only while this
 * server holds the Lease {@code kube-system/drover-controller-manager}, as kube-controller-manager and
 * kube-scheduler run with {@code --leader-elect} (the same lease duration, renew deadline and retry period). Two
 * servers' ReplicaSet controllers both acting made twice the pods. A server that loses the Lease stops its
 * controllers and stands for election again; closing hands it back (within 2 s), so another server takes over at
 * once.
 */
public final class ElectedControllers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ElectedControllers.class);
    static final String NAMESPACE = "kube-system";
    static final String LEASE = "drover-controller-manager";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    /** How long a stopping server tries to hand its Lease back: it must stop in seconds, the datastore down or not. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

    private final KubernetesClient electionClient;
    private final Supplier<KubernetesClient> controllerClients;
    private final ResourceRegistry registry;
    private final String identity;
    private ControllerManager running;
    private LeaderElector elector;
    private CompletableFuture<?> election;
    private boolean closed;

    private ElectedControllers(KubernetesClient electionClient, Supplier<KubernetesClient> controllerClients,
            ResourceRegistry registry, String identity) {
        this.electionClient = electionClient;
        this.controllerClients = controllerClients;
        this.registry = registry;
        this.identity = identity;
    }

    /**
     * Stands for election as {@code identity}, which must be stable across restarts of one server (it then takes
     * its own unexpired Lease back at once) and differ between servers.
     *
     * @param controllerClients a new client for each term's controllers, which close it when the term ends
     */
    public static ElectedControllers start(KubernetesClient electionClient, Supplier<KubernetesClient> controllerClients,
            ResourceRegistry registry, String identity) {
        ElectedControllers elected = new ElectedControllers(electionClient, controllerClients, registry, identity);
        elected.stand();
        return elected;
    }

    private synchronized void stand() {
        if (closed) {
            return;
        }
        elector = electionClient.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(LEASE)
                .withLock(new LeaseLock(NAMESPACE, LEASE, identity))
                .withLeaseDuration(LEASE_DURATION).withRenewDeadline(RENEW_DEADLINE).withRetryPeriod(RETRY_PERIOD)
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::stepDown,
                        leader -> log.info("controller leader is now {}", leader)))
                .build()).build();
        election = elector.start();
        // fabric8's elector ends with the term: a server that lost the Lease stands again, a retry period later
        // (an elector that fails at once must not spin).
        election.whenCompleteAsync((result, error) -> stand(),
                CompletableFuture.delayedExecutor(RETRY_PERIOD.toMillis(), TimeUnit.MILLISECONDS));
    }

    private synchronized void lead() {
        if (closed || running != null) {
            return;
        }
        log.info("{} leads: starting the controllers", identity);
        try {
            running = ControllerManager.start(controllerClients.get(), registry);
        } catch (Exception e) {
            log.error("{}: the controllers did not start; giving the lease up", identity, e);
            election.cancel(true);
        }
    }

    private synchronized void stepDown() {
        if (running != null) {
            log.info("{} no longer leads: stopping the controllers", identity);
            running.close();
            running = null;
        }
    }

    /** Whether this server's controllers run now. */
    public synchronized boolean leading() {
        return running != null;
    }

    @Override
    public void close() {
        CompletableFuture<?> term;
        LeaderElector lastElector;
        synchronized (this) {
            closed = true;
            term = election;
            lastElector = elector;
        }
        // Ending the term waits for the elector's lock, which a renewal holds while the datastore does not answer;
        // handing the Lease back lets another server take over at once rather than when it expires. Both are
        // bounded: the server must stop in seconds, the datastore gone or not.
        Thread handOver = Thread.ofVirtual().name("lease-hand-over").start(() -> {
            if (term != null) {
                term.cancel(true);
            }
            if (lastElector != null) {
                lastElector.release();
            }
        });
        try {
            handOver.join(RELEASE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stepDown();
        electionClient.close();
    }
}
