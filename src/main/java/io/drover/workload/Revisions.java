package io.drover.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The annotations a Deployment keeps on its ReplicaSets (pkg/controller/deployment/util). */
final class Revisions {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";
    /** Kubernetes' default --deployment-controller revision-history length, in characters. */
    static final int MAX_HISTORY_CHARS = 2000;

    /**
     * annotationsToSkip, plus drover's rollout-failed mark. The opt-in to automatic rollback is copied like any
     * other annotation: kubectl's rollout undo sets a Deployment's annotations to its ReplicaSet's (beside
     * annotationsToSkip), so a switch on no ReplicaSet was lost at every undo.
     */
    private static final Set<String> NOT_COPIED = Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS,
            MAX_REPLICAS, ROLLBACK_TO, Rollbacks.ROLLOUT_FAILED);

    private Revisions() {}

    /** skipCopyAnnotation. */
    static boolean notCopied(String key) {
        return NOT_COPIED.contains(key);
    }

    /** The revision annotation as a number; 0 when absent or not a number. */
    static long of(ReplicaSet rs) {
        String v = annotations(rs).get(REVISION);
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long max(List<ReplicaSet> replicaSets) {
        return replicaSets.stream().mapToLong(Revisions::of).max().orElse(0);
    }

    /**
     * SetNewReplicaSetAnnotations on a copy of the new RS: the Deployment's own annotations, a
     * revision raised to {@code newRevision} (remembering the old one in revision-history, which is
     * what a rollback to this RS looks like), and for an RS about to be created the replica
     * annotations. Returns whether anything changed.
     */
    static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, boolean exists,
            int maxSurge) {
        boolean changed = copyDeploymentAnnotations(d, rs);
        Map<String, String> a = rs.getMetadata().getAnnotations();
        String oldText = a.get(REVISION);
        long old;
        try {
            old = oldText == null || oldText.isEmpty() ? 0 : Long.parseLong(oldText);
        } catch (NumberFormatException e) {
            return false;
        }
        if (old < newRevision) {
            a.put(REVISION, Long.toString(newRevision));
            changed = true;
            if (oldText != null) {
                String history = a.getOrDefault(REVISION_HISTORY, "");
                if (history.isEmpty()) {
                    a.put(REVISION_HISTORY, oldText);
                } else {
                    List<String> olds = new java.util.ArrayList<>(List.of(history.split(",")));
                    int total = history.length() + oldText.length() + 1;
                    while (total > MAX_HISTORY_CHARS && !olds.isEmpty()) {
                        total -= olds.remove(0).length() + 1;
                    }
                    if (total <= MAX_HISTORY_CHARS) {
                        olds.add(oldText);
                        a.put(REVISION_HISTORY, String.join(",", olds));
                    }
                }
            }
        }
        int replicas = d.getSpec().getReplicas();
        if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge)) {
            changed = true;
        }
        return changed;
    }

    private static boolean copyDeploymentAnnotations(Deployment d, ReplicaSet rs) {
        boolean changed = false;
        if (rs.getMetadata().getAnnotations() == null) {
            rs.getMetadata().setAnnotations(new HashMap<>());
        }
        Map<String, String> to = rs.getMetadata().getAnnotations();
        for (var e : annotations(d).entrySet()) {
            if (NOT_COPIED.contains(e.getKey()) || Objects.equals(to.get(e.getKey()), e.getValue())) {
                continue;
            }
            to.put(e.getKey(), e.getValue());
            changed = true;
        }
        return changed;
    }

    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = annotations(rs);
        return !Integer.toString(desired).equals(a.get(DESIRED_REPLICAS))
                || !Integer.toString(max).equals(a.get(MAX_REPLICAS));
    }

    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        if (!replicasAnnotationsNeedUpdate(rs, desired, max)) {
            return false;
        }
        if (rs.getMetadata().getAnnotations() == null) {
            rs.getMetadata().setAnnotations(new HashMap<>());
        }
        rs.getMetadata().getAnnotations().put(DESIRED_REPLICAS, Integer.toString(desired));
        rs.getMetadata().getAnnotations().put(MAX_REPLICAS, Integer.toString(max));
        return true;
    }

    /** The desired-replicas annotation, or null when absent or not a number. */
    static Integer desiredReplicas(ReplicaSet rs) {
        try {
            String v = annotations(rs).get(DESIRED_REPLICAS);
            return v == null ? null : Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * cleanupDeployment's choice: beyond {@code revisionHistoryLimit}, the oldest-revision old
     * ReplicaSets that are fully scaled down (spec and status 0, latest generation observed) and
     * not already being deleted.
     */
    static List<ReplicaSet> beyondHistoryLimit(Deployment d, List<ReplicaSet> oldRSs) {
        Integer limit = d.getSpec().getRevisionHistoryLimit();
        if (limit == null) {
            return List.of();
        }
        List<ReplicaSet> alive = oldRSs.stream().filter(rs -> rs.getMetadata().getDeletionTimestamp() == null)
                .sorted(java.util.Comparator.comparingLong(Revisions::of).thenComparing(
                        rs -> Objects.toString(rs.getMetadata().getCreationTimestamp(), "")))
                .toList();
        int diff = alive.size() - limit;
        List<ReplicaSet> out = new java.util.ArrayList<>();
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = alive.get(i);
            var status = rs.getStatus();
            long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
            long generation = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
            boolean idle = (status == null || status.getReplicas() == null || status.getReplicas() == 0)
                    && rs.getSpec().getReplicas() == 0 && generation <= observed;
            if (idle) {
                out.add(rs);
            }
        }
        return out;
    }

    static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata o) {
        return o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations();
    }
}
