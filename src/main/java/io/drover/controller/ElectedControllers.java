package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers (and the scheduler) of a server that shares its datastore with others: they run only while this
 * server holds the Lease {@code kube-system/drover-controller-manager}, as kube-controller-manager and
 * kube-scheduler run with {@code --leader-elect} (the same lease duration, renew deadline and retry period). Two
 * servers' ReplicaSet controllers both acting made twice the pods.
 *
 * <p>fabric8's elector calls its callbacks on its own loop, holding its lock: the controllers are started and
 * stopped on a thread of their own, so a start that waits for informers delays neither renewals nor a shutdown.
 * Its requests give up after 5 s, inside the 10 s renew deadline, so a server that cannot reach the datastore
 * stops leading before another server's lease can begin. A server that loses the Lease stops its controllers and
 * stands again; one whose controllers fail to start hands the Lease back and stands again only after a lease
 * duration, so that another server can take over; a server that stops hands it back within 2 s.
 */
public final class ElectedControllers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ElectedControllers.class);
    static final String NAMESPACE = "kube-system";
    static final String LEASE = "drover-controller-manager";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** How long a stopping server waits for each of its last steps: it must stop in seconds, datastore or not. */
    private static final Duration STEP_WAIT = Duration.ofSeconds(2);
    private static final Duration CONTROLLERS_STOP_WAIT = Duration.ofSeconds(20);

    private final KubernetesClient electionClient;
    private final Supplier<KubernetesClient> controllerClients;
    private final ResourceRegistry registry;
    private final TokenSigning signing;
    private final String identity;
    /** Starts and stops the controllers, one term after the other. */
    private final ExecutorService terms = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("controller-terms").daemon().factory());
    /** The running term's controllers; touched on the terms thread only. */
    private ControllerManager running;
    private volatile boolean leading;
    private LeaderElector elector;
    private CompletableFuture<?> election;
    private boolean closed;

    private ElectedControllers(KubernetesClient electionClient, Supplier<KubernetesClient> controllerClients,
            ResourceRegistry registry, TokenSigning signing, String identity) {
        this.electionClient = electionClient;
        this.controllerClients = controllerClients;
        this.registry = registry;
        this.signing = signing;
        this.identity = identity;
    }

    /**
     * Stands for election as {@code identity}, which must be stable across restarts of one server (it then takes
     * its own unexpired Lease back at once) and differ between servers.
     *
     * @param controllerClients a new client for each term's controllers, which close it when the term ends; the
     *     election has one of its own, with short request timeouts
     */
    public static ElectedControllers start(Supplier<KubernetesClient> controllerClients, ResourceRegistry registry,
            TokenSigning signing, String identity) {
        KubernetesClient base = controllerClients.get();
        KubernetesClient electionClient = ApiClients.withRequestTimeout(base, REQUEST_TIMEOUT);
        base.close();
        ElectedControllers elected = new ElectedControllers(electionClient, controllerClients, registry, signing, identity);
        elected.stand(Duration.ZERO);
        return elected;
    }

    private synchronized void stand(Duration after) {
        if (closed) {
            return;
        }
        if (after.isPositive()) {
            CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS).execute(() -> stand(Duration.ZERO));
            return;
        }
        elector = electionClient.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(LEASE)
                .withLock(new LeaseLock(NAMESPACE, LEASE, identity))
                .withLeaseDuration(LEASE_DURATION).withRenewDeadline(RENEW_DEADLINE).withRetryPeriod(RETRY_PERIOD)
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::stepDown, this::newLeader))
                .build()).build();
        LeaderElector mine = elector;
        election = elector.start();
        election.whenComplete((result, error) -> termEnded(mine));
    }

    /**
     * fabric8's elector ends with the term: a server that lost the Lease stands again, a retry period later (an
     * elector that fails at once must not spin); not after it gave the Lease up or closed.
     */
    private synchronized void termEnded(LeaderElector ended) {
        if (elector == ended) {
            elector = null;
            stand(RETRY_PERIOD);
        }
    }

    private void newLeader(String leader) {
        if (leader != null && !leader.isEmpty()) {
            log.info("controller leader is now {}", leader);
        }
    }

    private void lead() {
        onTermsThread(() -> {
            if (closedNow() || running != null) {
                return;
            }
            log.info("{} leads: starting the controllers", identity);
            try {
                running = ControllerManager.start(controllerClients.get(), registry, signing);
                leading = true;
            } catch (Exception e) {
                log.error("{}: the controllers did not start; handing the Lease back", identity, e);
                giveUp();
            }
        });
    }

    /** Ends this term and hands the Lease back, standing again only once another server could have taken it. */
    private void giveUp() {
        LeaderElector current;
        CompletableFuture<?> term;
        synchronized (this) {
            current = elector;
            term = election;
            elector = null;
        }
        if (term != null) {
            term.cancel(true);
        }
        if (current != null) {
            current.release();
        }
        stand(LEASE_DURATION.plus(RETRY_PERIOD));
    }

    private void stepDown() {
        onTermsThread(this::stopRunning);
    }

    /** Runs {@code step} on the terms thread; nothing once closing stopped it (close stops the controllers itself). */
    private void onTermsThread(Runnable step) {
        try {
            terms.execute(step);
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed, {} not run", identity, step);
        }
    }

    private void stopRunning() {
        leading = false;
        if (running != null) {
            log.info("{} no longer leads: stopping the controllers", identity);
            running.close();
            running = null;
        }
    }

    private synchronized boolean closedNow() {
        return closed;
    }

    /** Whether this server's controllers run now. */
    public boolean leading() {
        return leading;
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
        // Ending the term waits for the elector's lock, which a renewal holds while the datastore does not answer:
        // bounded, as is the hand-back of the Lease after the controllers stopped (so that no two servers' run at
        // once), which lets another server take over at once rather than when the Lease expires.
        bounded("election-end", () -> {
            if (term != null) {
                term.cancel(true);
            }
        });
        terms.execute(this::stopRunning);
        terms.shutdown();
        try {
            if (!terms.awaitTermination(CONTROLLERS_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: the controllers did not stop within {}", identity, CONTROLLERS_STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lastElector != null) {
            bounded("lease-hand-back", () -> {
                try {
                    lastElector.release();
                } catch (KubernetesClientException e) {
                    // The store is away: the Lease runs out instead, and another server takes over then.
                    log.warn("{}: handing back the controller lease failed: {}", identity, e.getMessage());
                }
            });
        }
        electionClient.close();
    }

    private static void bounded(String name, Runnable step) {
        BoundedCall.run(name, STEP_WAIT, step);
    }
}
