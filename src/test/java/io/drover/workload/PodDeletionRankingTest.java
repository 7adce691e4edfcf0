package io.drover.workload;

import static io.drover.workload.PodsTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PodDeletionRankingTest {
    /** Long after every timestamp below, so their ages differ by far less than one logarithmic bucket. */
    private static final Instant NOW = Instant.parse("2024-01-10T00:00:00Z");

    @Test
    void unscheduledThenPendingThenNotReadyThenReadyGoFirst() {
        Pod readyOld = scheduled(pod("ready-old", "Running", true, "2024-01-01T00:00:00Z"));
        Pod notReady = scheduled(pod("not-ready", "Running", false, "2024-01-01T00:00:00Z"));
        Pod pending = scheduled(pod("pending", "Pending", false, "2024-01-01T00:00:00Z"));
        Pod unscheduled = pod("unscheduled", "Pending", false, "2024-01-01T00:00:00Z");
        List<Pod> all = List.of(readyOld, notReady, pending, unscheduled);

        assertThat(names(PodDeletionRanking.surplus(all, all, 3, NOW)))
                .containsExactly("unscheduled", "pending", "not-ready");
        assertThat(names(PodDeletionRanking.surplus(all, all, 1, NOW))).containsExactly("unscheduled");
    }

    @Test
    void aLowerDeletionCostGoesFirstAmongPodsEquallyReady() {
        Pod cheapOld = costing(scheduled(pod("cheap-old", "Running", true, "2024-01-01T00:00:00Z")), "-5");
        Pod dear = costing(scheduled(pod("dear", "Running", true, "2024-01-03T00:00:00Z")), "1000");
        Pod plain = scheduled(pod("plain", "Running", true, "2024-01-02T00:00:00Z"));
        Pod notReadyDear = costing(scheduled(pod("not-ready", "Running", false, "2024-01-01T00:00:00Z")), "9999");
        List<Pod> all = List.of(cheapOld, dear, plain, notReadyDear);

        assertThat(names(PodDeletionRanking.surplus(all, all, 3, NOW)))
                .containsExactly("not-ready", "cheap-old", "plain");
    }

    @Test
    void podsDoubledUpOnANodeWithRelatedPodsGoFirst() {
        Pod alone = onNode(pod("alone", "Running", true, "2024-01-09T23:59:00Z"), "node-a");
        Pod crowded = onNode(pod("crowded", "Running", true, "2024-01-01T00:00:00Z"), "node-b");
        // an old ReplicaSet's pod on node-b, and one that is terminating, which does not count
        Pod sibling = onNode(pod("sibling", "Running", true, "2024-01-01T00:00:00Z"), "node-b");
        Pod leaving = new PodBuilder(onNode(pod("leaving", "Running", true, null), "node-a")).editMetadata()
                .withDeletionTimestamp("2024-01-09T00:00:00Z").endMetadata().build();

        assertThat(names(PodDeletionRanking.surplus(List.of(alone, crowded),
                List.of(alone, crowded, sibling, leaving), 1, NOW))).containsExactly("crowded");
        // without related pods the younger goes, as usual
        assertThat(names(PodDeletionRanking.surplus(List.of(alone, crowded), List.of(), 1, NOW)))
                .containsExactly("alone");
    }

    @Test
    void creationTimesAreComparedByTheLogarithmOfTheirAgeThenByUid() {
        // Ages 8 and 9 days lie in one power-of-two bucket of nanoseconds, 1 hour in a much lower one.
        Pod eightDaysZ = uid(scheduled(pod("eight-days", "Pending", false, "2024-01-02T00:00:00Z")), "zzz");
        Pod nineDaysA = uid(scheduled(pod("nine-days", "Pending", false, "2024-01-01T00:00:00Z")), "aaa");
        Pod oneHour = uid(scheduled(pod("one-hour", "Pending", false, "2024-01-09T23:00:00Z")), "mmm");
        List<Pod> all = List.of(eightDaysZ, nineDaysA, oneHour);
        assertThat(PodDeletionRanking.logBucket(Instant.parse("2024-01-02T00:00:00Z"), NOW))
                .isEqualTo(PodDeletionRanking.logBucket(Instant.parse("2024-01-01T00:00:00Z"), NOW));

        // Strict newest-first would take eight-days second; the shared bucket orders them by uid instead.
        assertThat(names(PodDeletionRanking.surplus(all, all, 2, NOW))).containsExactly("one-hour", "nine-days");
    }

    @Test
    void readyTimesAreComparedByTheLogarithmOfTheirAge() {
        Pod readyLongB = uid(readyAt(scheduled(pod("ready-long-b", "Running", true, "2024-01-09T00:00:00Z")),
                "2024-01-02T00:00:00Z"), "bbb");
        Pod readyLongerA = uid(readyAt(scheduled(pod("ready-longer-a", "Running", true, "2024-01-09T00:00:00Z")),
                "2024-01-01T00:00:00Z"), "aaa");
        Pod readyJustNow = uid(readyAt(scheduled(pod("ready-just-now", "Running", true, "2024-01-01T00:00:00Z")),
                "2024-01-09T23:59:59Z"), "zzz");
        List<Pod> all = List.of(readyLongB, readyLongerA, readyJustNow);

        assertThat(names(PodDeletionRanking.surplus(all, all, 2, NOW))).containsExactly("ready-just-now",
                "ready-longer-a");
    }

    @Test
    void moreRestartsGoFirstThenMoreSidecarRestarts() {
        Pod calm = restarts(scheduled(pod("calm", "Running", false, "2024-01-05T00:00:00Z")), 0, 0);
        Pod flaky = restarts(scheduled(pod("flaky", "Running", false, "2024-01-01T00:00:00Z")), 3, 0);
        Pod flakySidecar = restarts(scheduled(pod("flaky-sidecar", "Running", false, "2024-01-01T00:00:00Z")), 0, 5);
        List<Pod> all = List.of(calm, flaky, flakySidecar);

        assertThat(names(PodDeletionRanking.surplus(all, all, 2, NOW))).containsExactly("flaky", "flaky-sidecar");
    }

    @Test
    void anOrderThatIsNotTransitiveStillSorts() {
        // Equal ready times fall through to restarts while near ones are ordered by uid, as in
        // Kubernetes: not a total order, which the JDK's own sort may refuse for lists this long.
        Random random = new Random(1);
        List<Pod> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Pod pod = scheduled(pod("p" + i, "Running", true, "2024-01-01T00:00:00Z"));
            pod = readyAt(pod, "2024-01-09T23:59:5" + random.nextInt(3) + "Z");
            all.add(restarts(uid(pod, String.format("%06d", random.nextInt(1_000_000))), random.nextInt(5), 0));
        }

        assertThat(PodDeletionRanking.surplus(all, all, 999, NOW)).hasSize(999).doesNotHaveDuplicates();
    }

    @Test
    void everyPodGoesWhenAllAreSurplus() {
        List<Pod> all = List.of(pod("a", "Running", true, null), pod("b", "Pending", false, null));
        assertThat(names(PodDeletionRanking.surplus(all, all, 5, NOW))).containsExactlyInAnyOrder("a", "b");
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    private static Pod costing(Pod pod, String cost) {
        return new PodBuilder(pod).editMetadata().addToAnnotations(Pods.DELETION_COST, cost).endMetadata().build();
    }

    private static Pod scheduled(Pod pod) {
        return onNode(pod, "node-1");
    }

    private static Pod onNode(Pod pod, String node) {
        return new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
    }

    private static Pod uid(Pod pod, String uid) {
        return new PodBuilder(pod).editMetadata().withUid(uid).endMetadata().build();
    }

    private static Pod readyAt(Pod pod, String time) {
        return new PodBuilder(pod).editStatus().editFirstCondition().withLastTransitionTime(time).endCondition()
                .endStatus().build();
    }

    private static Pod restarts(Pod pod, int container, int sidecar) {
        return new PodBuilder(pod).editSpec().addNewInitContainer().withName("side").withRestartPolicy("Always")
                .endInitContainer().addNewInitContainer().withName("setup").endInitContainer().endSpec()
                .editStatus().addToContainerStatuses(new ContainerStatusBuilder().withName("app")
                        .withRestartCount(container).build())
                .addToInitContainerStatuses(new ContainerStatusBuilder().withName("side").withRestartCount(sidecar)
                        .build(), new ContainerStatusBuilder().withName("setup").withRestartCount(99).build())
                .endStatus().build();
    }
}
