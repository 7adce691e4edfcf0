package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.ServersOnEtcd;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two servers on one real etcd: only the one holding the controller Lease runs controllers, so a Deployment gets
 * its replicas once (both ReplicaSet controllers acting made twice the pods), and when the leader stops the other
 * takes over.
 */
class ControllerLeaderElectionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final ServersOnEtcd SERVERS = new ServersOnEtcd();

    private static String holder(TestCluster through) {
        Lease lease = through.client().resources(Lease.class).inNamespace(ElectedControllers.NAMESPACE)
                .withName(ElectedControllers.LEASE).get();
        return lease == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
    }

    @Test
    void oneServersControllersActAndTheOtherTakesOverWhenItStops() throws Exception {
        TestCluster one = SERVERS.one();
        TestCluster two = SERVERS.two();
        await().atMost(WAIT).until(() -> !holder(two).isEmpty());
        boolean oneLeads = one.server().controllersLeading();
        assertThat(oneLeads).isNotEqualTo(two.server().controllersLeading());
        String ns = one.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName("elected-").endMetadata().build()).create().getMetadata().getName();
        Set<String> created = ConcurrentHashMap.newKeySet();
        try (Watch watch = two.client().pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (action == Action.ADDED) {
                    created.add(pod.getMetadata().getUid());
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            one.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                    .withName("web").endMetadata().withNewSpec().withReplicas(5).withNewSelector()
                    .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                    .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                    .withImage("c").withCommand("sleep", "60").endContainer().endSpec().endTemplate().endSpec()
                    .build()).create();

            await().atMost(WAIT).until(() -> created.size() >= 5);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> created.size() == 5);

            // The leader stops (releasing the Lease): the other server's controllers take over.
            TestCluster leader = oneLeads ? one : two;
            TestCluster standby = oneLeads ? two : one;
            String before = holder(standby);
            leader.close();
            await().atMost(WAIT).until(() -> standby.server().controllersLeading() && !holder(standby).equals(before));
            standby.client().apps().deployments().inNamespace(ns).withName("web").scale(7);
            await().atMost(WAIT).until(() -> created.size() == 7);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> created.size() == 7);
        }
    }
}
