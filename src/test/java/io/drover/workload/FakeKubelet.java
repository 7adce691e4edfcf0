package io.drover.workload;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Stands in for the node agent in controller tests: marks every pod of a namespace Running and
 * Ready through the status subresource, except pods whose first image the {@code broken} test
 * accepts (a version that never becomes Ready). It also watches pods and ReplicaSets and keeps,
 * from the first {@link #observe()}, the largest number of active pods, the smallest number of
 * ready ones, and the largest sum of ReplicaSet spec.replicas seen at any revision.
 */
final class FakeKubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final String ns;
    private final Predicate<String> broken;
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final Map<String, Integer> rsSpecs = new ConcurrentHashMap<>();
    private final Watch podWatch;
    private final Watch rsWatch;
    private volatile boolean observing;
    final AtomicInteger maxActive = new AtomicInteger();
    final AtomicInteger minReady = new AtomicInteger(Integer.MAX_VALUE);
    final AtomicInteger maxSpecSum = new AtomicInteger();

    FakeKubelet(KubernetesClient client, String ns, Predicate<String> broken) {
        this.client = client;
        this.ns = ns;
        this.broken = broken;
        this.podWatch = client.pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                onPod(action, pod);
            }

            @Override
            public void onClose(WatcherException cause) { }
        });
        this.rsWatch = client.apps().replicaSets().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ReplicaSet rs) {
                if (action == Action.DELETED) {
                    rsSpecs.remove(rs.getMetadata().getName());
                } else {
                    rsSpecs.put(rs.getMetadata().getName(), rs.getSpec().getReplicas());
                }
                if (observing) {
                    maxSpecSum.accumulateAndGet(rsSpecs.values().stream().mapToInt(Integer::intValue).sum(), Math::max);
                }
            }

            @Override
            public void onClose(WatcherException cause) { }
        });
    }

    /** From now on, record the bounds. */
    void observe() {
        maxActive.set(0);
        minReady.set(Integer.MAX_VALUE);
        maxSpecSum.set(0);
        observing = true;
    }

    private void onPod(Watcher.Action action, Pod pod) {
        String name = pod.getMetadata().getName();
        if (action == Watcher.Action.DELETED) {
            pods.remove(name);
        } else {
            pods.put(name, pod);
        }
        if (observing) {
            maxActive.accumulateAndGet((int) pods.values().stream().filter(Pods::isActive).count(), Math::max);
            minReady.accumulateAndGet((int) pods.values().stream().filter(Pods::isActive).filter(Pods::isReady)
                    .count(), Math::min);
        }
        if (action != Watcher.Action.DELETED && Pods.isActive(pod) && !Pods.isReady(pod)
                && !broken.test(pod.getSpec().getContainers().get(0).getImage())) {
            Thread.ofVirtual().start(() -> markReady(name));
        }
    }

    private void markReady(String name) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        PodCondition ready = new PodConditionBuilder().withType("Ready").withStatus("True")
                .withLastTransitionTime(now).build();
        try {
            client.pods().inNamespace(ns).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus()
                    .withPhase("Running").withConditions(ready).endStatus().build());
        } catch (KubernetesClientException e) {
            // Deleted meanwhile, or raced another write: a later event brings it back here.
        }
    }

    @Override
    public void close() {
        podWatch.close();
        rsWatch.close();
    }
}
