package io.drover.workload;

import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Deployment's status and conditions from its ReplicaSets (pkg/controller/deployment/sync.go
 * calculateStatus, progress.go, util/deployment_util.go). Pure functions of their arguments.
 */
final class DeploymentStatuses {
    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";
    static final String REPLICA_FAILURE = "ReplicaFailure";

    static final String MINIMUM_AVAILABLE = "MinimumReplicasAvailable";
    static final String MINIMUM_UNAVAILABLE = "MinimumReplicasUnavailable";
    static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String RS_UPDATED = "ReplicaSetUpdated";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";

    private DeploymentStatuses() {}

    static DeploymentStatus calculate(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        int available = sum(all, rs -> rs.getStatus() == null ? null : rs.getStatus().getAvailableReplicas());
        int total = sum(all, rs -> rs.getSpec().getReplicas());
        DeploymentStatus old = status(d);
        DeploymentStatus s = new DeploymentStatus();
        s.setObservedGeneration(d.getMetadata().getGeneration());
        // These counts are omitempty in apps/v1 DeploymentStatus: a zero is left out, as kube-apiserver writes it.
        s.setReplicas(omitZero(sum(all, rs -> rs.getStatus() == null ? null : rs.getStatus().getReplicas())));
        s.setUpdatedReplicas(omitZero(newRS == null ? 0 : sum(List.of(newRS), rs -> rs.getStatus() == null ? null
                : rs.getStatus().getReplicas())));
        s.setReadyReplicas(omitZero(sum(all, rs -> rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas())));
        s.setAvailableReplicas(omitZero(available));
        s.setUnavailableReplicas(omitZero(Math.max(0, total - available)));
        s.setCollisionCount(old.getCollisionCount());
        s.setConditions(old.getConditions() == null ? new ArrayList<>() : new ArrayList<>(Copies.of(old).getConditions()));
        if (available >= d.getSpec().getReplicas() - maxUnavailable(d)) {
            setCondition(s, condition(AVAILABLE, "True", MINIMUM_AVAILABLE, "Deployment has minimum availability.", now));
        } else {
            setCondition(s, condition(AVAILABLE, "False", MINIMUM_UNAVAILABLE,
                    "Deployment does not have minimum availability.", now));
        }
        return s;
    }

    /** progress.go syncRolloutStatus: calculate, then judge the Progressing condition. */
    static DeploymentStatus rollout(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        DeploymentStatus s = calculate(all, newRS, d, now);
        if (!hasProgressDeadline(d)) {
            removeCondition(s, PROGRESSING);
        }
        DeploymentCondition current = condition(status(d), PROGRESSING).orElse(null);
        boolean complete = Objects.equals(s.getReplicas(), s.getUpdatedReplicas()) && current != null
                && NEW_RS_AVAILABLE.equals(current.getReason());
        String what = subject(d, newRS);
        if (hasProgressDeadline(d) && !complete) {
            if (isComplete(d, s)) {
                setCondition(s, condition(PROGRESSING, "True", NEW_RS_AVAILABLE, what + " has successfully progressed.", now));
            } else if (isProgressing(d, s)) {
                DeploymentCondition c = condition(PROGRESSING, "True", RS_UPDATED, what + " is progressing.", now);
                if (current != null) {
                    if ("True".equals(current.getStatus())) {
                        c.setLastTransitionTime(current.getLastTransitionTime());
                    }
                    removeCondition(s, PROGRESSING);
                }
                setCondition(s, c);
            } else if (timedOut(d, s, now)) {
                setCondition(s, condition(PROGRESSING, "False", TIMED_OUT, timedOutMessage(d, newRS), now));
            }
        }
        DeploymentCondition failure = all.stream().filter(Objects::nonNull).flatMap(rs -> rs.getStatus() == null
                || rs.getStatus().getConditions() == null ? java.util.stream.Stream.empty()
                : rs.getStatus().getConditions().stream())
                .filter(c -> REPLICA_FAILURE.equals(c.getType())).findFirst()
                .map(c -> condition(REPLICA_FAILURE, c.getStatus(), c.getReason(), c.getMessage(), now)).orElse(null);
        if (failure != null) {
            setCondition(s, failure);
        } else {
            removeCondition(s, REPLICA_FAILURE);
        }
        return s;
    }

    /** What the Progressing messages name: the new ReplicaSet, or the Deployment while there is none. */
    private static String subject(Deployment d, ReplicaSet newRS) {
        return newRS == null ? "Deployment \"" + d.getMetadata().getName() + "\""
                : "ReplicaSet \"" + newRS.getMetadata().getName() + "\"";
    }

    static String timedOutMessage(Deployment d, ReplicaSet newRS) {
        return subject(d, newRS) + " has timed out progressing.";
    }

    /** DeploymentComplete: every replica updated and available, and the latest spec observed. */
    static boolean isComplete(Deployment d, DeploymentStatus s) {
        int replicas = d.getSpec().getReplicas();
        return n(s.getUpdatedReplicas()) == replicas && n(s.getReplicas()) == replicas
                && n(s.getAvailableReplicas()) == replicas
                && n(s.getObservedGeneration()) >= n(d.getMetadata().getGeneration());
    }

    static boolean isProgressing(Deployment d, DeploymentStatus next) {
        DeploymentStatus old = status(d);
        long oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
        long newOld = n(next.getReplicas()) - n(next.getUpdatedReplicas());
        return n(next.getUpdatedReplicas()) > n(old.getUpdatedReplicas()) || newOld < oldOld
                || n(next.getReadyReplicas()) > n(old.getReadyReplicas())
                || n(next.getAvailableReplicas()) > n(old.getAvailableReplicas());
    }

    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        if (!hasProgressDeadline(d)) {
            return false;
        }
        DeploymentCondition c = condition(s, PROGRESSING).orElse(null);
        if (c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(c.getReason())) {
            return true;
        }
        Instant from = Pods.time(c.getLastUpdateTime());
        return from != null && from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
    }

    static boolean hasProgressDeadline(Deployment d) {
        Integer p = d.getSpec().getProgressDeadlineSeconds();
        return p != null && p != Integer.MAX_VALUE;
    }

    static boolean isRollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
                || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
    }

    /** MaxSurge: 0 unless RollingUpdate; never so large that replicas plus it overflow an int. */
    static int maxSurge(Deployment d) {
        return isRollingUpdate(d) ? Math.min(fenceposts(d)[0], Integer.MAX_VALUE - d.getSpec().getReplicas()) : 0;
    }

    /** MaxUnavailable: 0 unless RollingUpdate with replicas; never above replicas. */
    static int maxUnavailable(Deployment d) {
        int replicas = d.getSpec().getReplicas();
        if (!isRollingUpdate(d) || replicas == 0) {
            return 0;
        }
        return Math.min(fenceposts(d)[1], replicas);
    }

    /** ResolveFenceposts: surge rounds up, unavailable down; both zero would deadlock, so unavailable 1. */
    private static int[] fenceposts(Deployment d) {
        var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        int replicas = d.getSpec().getReplicas();
        int surge = scaled(rolling == null ? null : rolling.getMaxSurge(), replicas, true);
        int unavailable = scaled(rolling == null ? null : rolling.getMaxUnavailable(), replicas, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    /**
     * GetScaledValueFromIntOrPercent. Validation lets a percentage have any number of digits ("99999999999%"
     * passes): it is computed exactly and the result held to an int32, where an int parse used to throw on
     * every sync and stall the Deployment without a word.
     */
    static int scaled(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            value = new IntOrString("25%");
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        BigDecimal percent = new BigDecimal(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        BigDecimal v = percent.multiply(BigDecimal.valueOf(total)).divide(BigDecimal.valueOf(100), 0,
                roundUp ? RoundingMode.CEILING : RoundingMode.FLOOR);
        return v.min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValueExact();
    }

    static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
        String t = MetaTime.format(now);
        DeploymentCondition c = new DeploymentCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastUpdateTime(t);
        c.setLastTransitionTime(t);
        return c;
    }

    static Optional<DeploymentCondition> condition(DeploymentStatus s, String type) {
        return s.getConditions() == null ? Optional.empty()
                : s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** SetDeploymentCondition: no-op for the same status and reason; keeps the transition time for the same status. */
    static void setCondition(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition current = condition(s, c.getType()).orElse(null);
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())
                && Objects.equals(current.getReason(), c.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
        }
        removeCondition(s, c.getType());
        s.getConditions().add(c);
    }

    static void removeCondition(DeploymentStatus s, String type) {
        if (s.getConditions() == null) {
            s.setConditions(new ArrayList<>());
        }
        s.getConditions().removeIf(c -> type.equals(c.getType()));
    }

    /** reflect.DeepEqual of two statuses, with absent counts read as 0 as Go reads them. */
    static boolean same(DeploymentStatus a, DeploymentStatus b) {
        return n(a.getObservedGeneration()) == n(b.getObservedGeneration()) && n(a.getReplicas()) == n(b.getReplicas())
                && n(a.getUpdatedReplicas()) == n(b.getUpdatedReplicas())
                && n(a.getReadyReplicas()) == n(b.getReadyReplicas())
                && n(a.getAvailableReplicas()) == n(b.getAvailableReplicas())
                && n(a.getUnavailableReplicas()) == n(b.getUnavailableReplicas())
                && Objects.equals(a.getCollisionCount(), b.getCollisionCount())
                && conditions(a).equals(conditions(b));
    }

    private static List<DeploymentCondition> conditions(DeploymentStatus s) {
        return s.getConditions() == null ? List.of() : s.getConditions();
    }

    static DeploymentStatus status(Deployment d) {
        return d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    }

    private static int sum(List<ReplicaSet> rss, java.util.function.Function<ReplicaSet, Integer> f) {
        return rss.stream().filter(Objects::nonNull).map(f).filter(Objects::nonNull).mapToInt(Integer::intValue).sum();
    }

    /** An omitempty int32: null (left out) for zero. */
    static Integer omitZero(int count) {
        return count == 0 ? null : count;
    }

    /** A Go integer field's value: 0 when absent. */
    static long n(Number v) {
        return v == null ? 0 : v.longValue();
    }
}
