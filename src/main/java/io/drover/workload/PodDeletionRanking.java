package io.drover.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which surplus pods a ReplicaSet deletes first: Kubernetes' ActivePodsWithRanks with the
 * LogarithmicScaleDown gate on (its default since 1.22). In order: unscheduled before scheduled;
 * Pending before Unknown before Running; not ready before ready; a lower
 * controller.kubernetes.io/pod-deletion-cost first; more related active pods on the same node first;
 * ready for less time first; more container restarts (then sidecar restarts) first; newer first.
 * Ready and creation times are compared by the base-2 logarithm of their age, and pods of one such
 * bucket by uid, so a scale-down does not always take the very newest pods, which spreads the pods
 * that survive over ages.
 */
final class PodDeletionRanking {
    private PodDeletionRanking() {}

    /**
     * The {@code count} pods of {@code pods} to delete, first first. {@code related} are the pods of
     * every ReplicaSet with the same controller (getIndirectlyRelatedPods), whose active ones on a
     * pod's node give its rank.
     */
    static List<Pod> surplus(List<Pod> pods, List<Pod> related, int count, Instant now) {
        if (count >= pods.size()) {
            return List.copyOf(pods); // all go: no order needed, as getPodsToDelete skips the sort
        }
        Map<String, Long> activeOnNode = related.stream().filter(Pods::isActive)
                .collect(Collectors.groupingBy(PodDeletionRanking::nodeName, Collectors.counting()));
        List<Ranked> ranked = new ArrayList<>(pods.size());
        for (Pod pod : pods) {
            ranked.add(new Ranked(pod, activeOnNode.getOrDefault(nodeName(pod), 0L), now));
        }
        return mergeSort(ranked).stream().limit(count).map(Ranked::pod).toList();
    }

    /**
     * A merge sort that never throws. Kubernetes' Less is not transitive (two pods with equal ready
     * times fall through to the restart count, pods of one logarithmic bucket are ordered by uid),
     * which Go's sort accepts but the JDK's TimSort may reject with "Comparison method violates its
     * general contract".
     */
    private static List<Ranked> mergeSort(List<Ranked> items) {
        if (items.size() <= 1) {
            return items;
        }
        int middle = items.size() / 2;
        List<Ranked> left = mergeSort(items.subList(0, middle));
        List<Ranked> right = mergeSort(items.subList(middle, items.size()));
        List<Ranked> merged = new ArrayList<>(items.size());
        int i = 0;
        int j = 0;
        while (i < left.size() && j < right.size()) {
            merged.add(ORDER.compare(right.get(j), left.get(i)) < 0 ? right.get(j++) : left.get(i++));
        }
        merged.addAll(left.subList(i, left.size()));
        merged.addAll(right.subList(j, right.size()));
        return merged;
    }

    /** The facts Less reads, taken once per pod. */
    private record Ranked(Pod pod, String uid, boolean unscheduled, int phase, boolean ready, int deletionCost,
            long rank, Instant readySince, long readyBucket, int restarts, int sidecarRestarts, Instant created,
            long createdBucket) {
        Ranked(Pod pod, long rank, Instant readySince, Instant created, Instant now) {
            this(pod, Objects.requireNonNullElse(pod.getMetadata().getUid(), ""), nodeName(pod).isEmpty(),
                    phaseOrdinal(pod), Pods.isReady(pod), Pods.deletionCost(pod), rank, readySince,
                    logBucket(readySince, now),
                    maxRestarts(pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses(), null),
                    maxRestarts(pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses(),
                            sidecarNames(pod)),
                    created, logBucket(created, now));
        }

        Ranked(Pod pod, long rank, Instant now) {
            this(pod, rank, Pods.readySince(pod), Pods.time(pod.getMetadata().getCreationTimestamp()), now);
        }
    }

    /** Less(a, b) as a comparator: negative when {@code a} goes first. */
    private static final Comparator<Ranked> ORDER = (a, b) -> {
        if (a.unscheduled() != b.unscheduled()) {
            return a.unscheduled() ? -1 : 1;
        }
        if (a.phase() != b.phase()) {
            return Integer.compare(a.phase(), b.phase());
        }
        if (a.ready() != b.ready()) {
            return a.ready() ? 1 : -1;
        }
        if (a.deletionCost() != b.deletionCost()) {
            return Integer.compare(a.deletionCost(), b.deletionCost());
        }
        if (a.rank() != b.rank()) {
            return Long.compare(b.rank(), a.rank());
        }
        if (a.ready() && !Objects.equals(a.readySince(), b.readySince())) {
            return byAge(a.readySince(), a.readyBucket(), b.readySince(), b.readyBucket(), a, b);
        }
        if (a.restarts() != b.restarts()) {
            return Integer.compare(b.restarts(), a.restarts());
        }
        if (a.sidecarRestarts() != b.sidecarRestarts()) {
            return Integer.compare(b.sidecarRestarts(), a.sidecarRestarts());
        }
        if (!Objects.equals(a.created(), b.created())) {
            return byAge(a.created(), a.createdBucket(), b.created(), b.createdBucket(), a, b);
        }
        return 0;
    };

    /** Younger first, by logarithmic bucket of age and then uid; a missing time first (afterOrZero). */
    private static int byAge(Instant timeA, long bucketA, Instant timeB, long bucketB, Ranked a, Ranked b) {
        if (timeA == null || timeB == null) {
            return timeA == null ? -1 : 1;
        }
        if (bucketA == bucketB) {
            return a.uid().compareTo(b.uid());
        }
        return Long.compare(bucketA, bucketB);
    }

    /** logarithmicRankDiff's rank: floor(log2(age in nanoseconds)), -1 for no age (or no time). */
    static long logBucket(Instant time, Instant now) {
        if (time == null) {
            return -1;
        }
        Duration age = Duration.between(time, now);
        if (age.isNegative() || age.isZero()) {
            return -1;
        }
        long nanos = age.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : age.toNanos();
        return 63 - Long.numberOfLeadingZeros(nanos);
    }

    private static Set<String> sidecarNames(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getInitContainers() == null) {
            return Set.of();
        }
        return pod.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy()))
                .map(Container::getName).collect(Collectors.toSet());
    }

    /** The highest restart count among {@code statuses}, only those named in {@code names} when given. */
    private static int maxRestarts(List<ContainerStatus> statuses, Set<String> names) {
        if (statuses == null) {
            return 0;
        }
        return statuses.stream().filter(s -> names == null || names.contains(s.getName()))
                .map(ContainerStatus::getRestartCount).filter(Objects::nonNull).mapToInt(Integer::intValue)
                .max().orElse(0);
    }

    private static String nodeName(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
    }

    private static int phaseOrdinal(Pod pod) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
        // podPhaseToOrdinal: Pending 0, Unknown 1, Running 2; a missing key (any other phase) reads as 0.
        return switch (phase) {
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 0;
        };
    }
}
