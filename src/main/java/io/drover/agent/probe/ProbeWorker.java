package io.drover.agent.probe;

import io.drover.agent.ContainerReference;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Clock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of one container every periodSeconds on its own virtual thread, for as long as
 * the pod is on this node (kubelet's prober worker). The decisions are {@link ProbeState}'s; this
 * class does the probing, the events and the telling: when what the probe says changes, the
 * pod is re-queued so its status is written at once, not on the next unrelated reconcile.
 *
 * <p>Events are kubelet's ("Liveness probe failed: HTTP probe failed with statuscode: 500"), one per failed
 * probe as kubelet records them: the recorder's correlator folds the repeats into one Event's count
 * ("x8 over 20s") and its spam filter bounds them, as client-go's do.
 */
final class ProbeWorker {
    private static final Logger log = LoggerFactory.getLogger(ProbeWorker.class);

    private final ProbeManager.PodProbes pod;
    private final Container container;
    private final Probe probe;
    private final ProbeState state;
    private final ProbeManager manager;
    private final Clock clock;
    private final Semaphore trigger = new Semaphore(0);
    private volatile boolean stopped;
    private Thread thread;

    ProbeWorker(ProbeManager manager, ProbeManager.PodProbes pod, Container container, ProbeKind kind, Clock clock) {
        this.manager = manager;
        this.pod = pod;
        this.container = container;
        this.probe = kind.of(container);
        this.state = new ProbeState(kind, ProbeSettings.of(kind, probe));
        this.clock = clock;
    }

    ProbeState state() {
        return state;
    }

    Container container() {
        return container;
    }

    void start() {
        thread = Thread.ofVirtual().name("probe-" + state.kind().name().toLowerCase() + "-" + pod.key() + "/"
                + container.getName()).start(this::loop);
    }

    /** Probes now rather than at the end of the period (a new instance of the container started). */
    void trigger() {
        trigger.release();
    }

    void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop() {
        long period = state.settings().period().toMillis();
        try {
            while (!stopped) {
                tick();
                trigger.tryAcquire(period, TimeUnit.MILLISECONDS);
                trigger.drainPermits();
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            log.warn("probe worker {} stopped: {}", Thread.currentThread().getName(), e.toString());
        }
    }

    /** One tick: look at the container, probe it if it is due, publish and tell when the verdict changed. */
    void tick() throws InterruptedException {
        Pod current = pod.pod();
        ContainerInstance instance = pod.instance(container.getName());
        String id = instance == null ? null : instance.id();
        Health before = state.publishedFor(id);
        boolean started = id != null && manager.health(pod.uid(), container.getName(), id).started();
        ProbeState.Step step = state.before(id, instance == null ? null : instance.startedAt(), started,
                current.getMetadata().getDeletionTimestamp() != null, clock.instant());
        if (step == ProbeState.Step.PROBE) {
            ProbeResult result = manager.prober().run(new ProbeTarget(current, container, instance, manager.podIp()),
                    probe, state.settings().timeout());
            report(current, result);
            if (result.outcome() != ProbeResult.Outcome.ERROR) {
                state.record(result.outcome() == ProbeResult.Outcome.FAILURE ? Health.FAILURE : Health.SUCCESS);
            }
        }
        if (state.publishedFor(id) != before) {
            manager.changed(pod.key());
        }
    }

    /** kubelet's events for one probe (prober.probe). */
    private void report(Pod current, ProbeResult result) {
        String kind = state.kind().title();
        switch (result.outcome()) {
            case SUCCESS -> { }
            case WARNING -> event(current, "ProbeWarning", kind + " probe warning: " + result.output());
            case FAILURE -> event(current, "Unhealthy", kind + " probe failed: " + result.output());
            case ERROR -> event(current, "Unhealthy", kind + " probe errored and resulted in unknown state: "
                    + result.output());
        }
    }

    private void event(Pod current, String reason, String message) {
        manager.events().warning(ContainerReference.of(current, container.getName()), reason, message);
    }
}
