package io.drover.agent.probe;

import io.drover.agent.InitContainers;
import io.drover.agent.runtime.Runtime;
import io.drover.controller.EventRecorder;
import io.drover.controller.Keys;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The node agent's probes (kubelet's prober manager): a {@link ProbeWorker} per container and
 * probe kind of every pod it runs, and the answers the pod worker asks for, {@link #health}.
 *
 * <p>The pod worker calls {@link #sync} from each reconcile with the instances of the containers
 * that run, and {@link #forget} when it stops a pod. Workers live as long as their pod (probes
 * cannot change on a running pod), and tell a new container instance from the old by its id.
 * When a verdict changes the pod key is handed to {@link #onChange}'s consumer, the agent's work
 * queue, so readiness reaches the pod's status within one reconcile.
 */
public final class ProbeManager implements AutoCloseable {
    /** kubelet's minimumGracePeriodInSeconds, for a pod without terminationGracePeriodSeconds. */
    static final long MINIMUM_GRACE_SECONDS = 2;

    private final Prober prober;
    private final EventRecorder events;
    private final Clock clock;
    private final String podIp;
    private volatile Consumer<String> changed = key -> {};
    private final Map<String, PodProbes> pods = new ConcurrentHashMap<>();

    /**
     * @param ports where probes find the ports they name
     * @param runtime the runtime exec probes run in
     * @param events the kubelet's event recorder
     * @param podIp the address pods are reached at (the node's: pods use the host network)
     */
    public ProbeManager(ProbePorts ports, Runtime runtime, EventRecorder events, Clock clock, String podIp) {
        this.prober = new Prober(ports, runtime);
        this.events = events;
        this.clock = clock;
        this.podIp = podIp;
    }

    /** Where pod keys go when a probe's verdict changes: the agent's enqueue. */
    public void onChange(Consumer<String> enqueue) {
        this.changed = enqueue;
    }

    /**
     * Takes in a reconcile's view of a pod: the pod as it is now and the instances of its
     * containers that run (by container name). Starts the pod's workers the first time, and wakes
     * the workers of a container whose instance changed so a restarted container is probed at once.
     */
    public void sync(Pod pod, Map<String, ContainerInstance> running) {
        String uid = pod.getMetadata().getUid();
        PodProbes probes = pods.get(uid);
        if (probes == null) {
            if (!hasProbes(pod)) {
                return;
            }
            probes = new PodProbes(Keys.of(pod), uid, pod);
            probes.update(pod, running);
            for (Container c : probed(pod)) {
                for (ProbeKind kind : ProbeKind.values()) {
                    if (kind.of(c) != null) {
                        probes.workers.computeIfAbsent(c.getName(), n -> new EnumMap<>(ProbeKind.class))
                                .put(kind, new ProbeWorker(this, probes, c, kind, clock));
                    }
                }
            }
            // Every worker is in place before any runs: a liveness worker that looked before the
            // startup worker existed would take the container for started.
            pods.put(uid, probes);
            probes.workers.values().forEach(m -> m.values().forEach(ProbeWorker::start));
            return;
        }
        for (String container : probes.update(pod, running)) {
            Map<ProbeKind, ProbeWorker> workers = probes.workers.get(container);
            if (workers != null) {
                workers.values().forEach(ProbeWorker::trigger);
            }
        }
    }

    /**
     * What the probes say of instance {@code instanceId} of a container: started (its startup
     * probe passed), ready (its readiness probe passes too), and whether a failed liveness or
     * startup probe asks for it to be killed. A container without probes is started and ready.
     */
    public ContainerHealth health(String podUid, String container, String instanceId) {
        if (instanceId == null) {
            return ContainerHealth.NOT_RUNNING;
        }
        PodProbes probes = pods.get(podUid);
        Map<ProbeKind, ProbeWorker> workers = probes == null ? null : probes.workers.get(container);
        if (workers == null) {
            return ContainerHealth.UNPROBED;
        }
        Health startup = verdict(workers, ProbeKind.STARTUP, instanceId);
        Health readiness = verdict(workers, ProbeKind.READINESS, instanceId);
        Health liveness = verdict(workers, ProbeKind.LIVENESS, instanceId);
        boolean started = startup == null || startup == Health.SUCCESS;
        boolean ready = started && (readiness == null || readiness == Health.SUCCESS);
        ProbeKind failed = liveness == Health.FAILURE ? ProbeKind.LIVENESS
                : startup == Health.FAILURE ? ProbeKind.STARTUP : null;
        Duration grace = failed == null ? null : killGrace(probes.pod(), failed.of(workers.get(failed).container()));
        return new ContainerHealth(started, ready, failed, grace);
    }

    private static Health verdict(Map<ProbeKind, ProbeWorker> workers, ProbeKind kind, String instanceId) {
        ProbeWorker w = workers.get(kind);
        return w == null ? null : w.state().publishedFor(instanceId);
    }

    /**
     * The grace period of a kill for a failed probe (kubelet's setTerminationGracePeriod): the
     * deletion's, else the probe's own terminationGracePeriodSeconds, else the pod's.
     */
    static Duration killGrace(Pod pod, Probe probe) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null && pod.getSpec().getTerminationGracePeriodSeconds() != null) {
            seconds = probe.getTerminationGracePeriodSeconds() != null ? probe.getTerminationGracePeriodSeconds()
                    : pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? MINIMUM_GRACE_SECONDS : seconds);
    }

    /** Stops probing the pod with this uid (it was stopped or deleted). */
    public void forget(String podUid) {
        PodProbes probes = pods.remove(podUid);
        if (probes != null) {
            probes.workers.values().forEach(m -> m.values().forEach(ProbeWorker::stop));
        }
    }

    @Override
    public void close() {
        List.copyOf(pods.keySet()).forEach(this::forget);
    }

    void changed(String key) {
        changed.accept(key);
    }

    Prober prober() {
        return prober;
    }

    EventRecorder events() {
        return events;
    }

    String podIp() {
        return podIp;
    }

    private static boolean hasProbes(Pod pod) {
        for (Container c : probed(pod)) {
            for (ProbeKind kind : ProbeKind.values()) {
                if (kind.of(c) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The containers that are probed: the pod's sidecars (init containers with {@code restartPolicy:
     * Always}, which run beside the containers) and its containers. A regular init container may
     * not have probes.
     */
    private static List<Container> probed(Pod pod) {
        List<Container> probed = new ArrayList<>(InitContainers.sidecars(pod));
        probed.addAll(pod.getSpec().getContainers());
        return probed;
    }

    /** One pod's probes: the pod as last synced, its running instances, its workers by container and kind. */
    static final class PodProbes {
        private final String key;
        private final String uid;
        private volatile Pod pod;
        private volatile Map<String, ContainerInstance> running = Map.of();
        final Map<String, Map<ProbeKind, ProbeWorker>> workers = new ConcurrentHashMap<>();

        PodProbes(String key, String uid, Pod pod) {
            this.key = key;
            this.uid = uid;
            this.pod = pod;
        }

        /** Takes the new view in; returns the containers whose running instance changed. */
        synchronized List<String> update(Pod now, Map<String, ContainerInstance> instances) {
            List<String> changed = new ArrayList<>();
            for (Container c : probed(now)) {
                ContainerInstance before = running.get(c.getName());
                ContainerInstance after = instances.get(c.getName());
                if (after != null && (before == null || !before.id().equals(after.id()))) {
                    changed.add(c.getName());
                }
            }
            pod = now;
            running = Map.copyOf(instances);
            return changed;
        }

        String key() {
            return key;
        }

        String uid() {
            return uid;
        }

        Pod pod() {
            return pod;
        }

        ContainerInstance instance(String container) {
            return running.get(container);
        }
    }
}
