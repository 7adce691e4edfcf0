package io.drover.workload;

import static io.drover.workload.DeploymentStatuses.n;

import io.drover.controller.ApiErrors;
import io.drover.controller.EventRecorder;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.drover.controller.Selectors;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Keeps a Deployment's ReplicaSets in line with its spec (Kubernetes' pkg/controller/deployment:
 * deployment_controller.go syncDeployment, sync.go, progress.go, recreate.go; rolling.go is
 * {@link RollingUpdate}, rollback.go {@link Rollbacks}, proportional scaling
 * {@link ProportionalScaling}).
 *
 * <p>One ReplicaSet per pod template, named {@code <deployment>-<pod-template-hash>}, carrying the
 * template plus the pod-template-hash label (in its selector too) and the revision annotations.
 * Each reconcile takes one step and writes the status; the ReplicaSets' status changes bring the
 * next step. A changed replica count alone only scales (proportionally while a rollout is under
 * way); a changed template rolls out by the strategy.
 */
final class DeploymentController implements Reconciler {
    static final String COMPONENT = "deployment-controller";

    private final KubernetesClient client;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final EventRecorder events;
    private final ReplicaSetScaler scaler;
    private final RollingUpdate rolling;
    private final Rollbacks rollbacks;
    private final Clock clock;

    DeploymentController(KubernetesClient client, SharedIndexInformer<Deployment> deployments,
            SharedIndexInformer<ReplicaSet> replicaSets, SharedIndexInformer<Pod> pods, Clock clock) {
        this.client = client;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.events = new EventRecorder(client, COMPONENT, null, clock);
        this.scaler = new ReplicaSetScaler(client, events);
        this.rolling = new RollingUpdate(scaler);
        this.rollbacks = new Rollbacks(client, events);
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) {
        Deployment cached = deployments.getStore().getByKey(key);
        if (cached == null) {
            return Result.done();
        }
        Deployment d = Copies.of(cached);
        if (Selectors.isEmpty(d.getSpec().getSelector())) {
            events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if (n(DeploymentStatuses.status(d).getObservedGeneration()) < n(d.getMetadata().getGeneration())) {
                DeploymentStatus s = Copies.of(DeploymentStatuses.status(d));
                s.setObservedGeneration(d.getMetadata().getGeneration());
                writeStatus(d, s);
            }
            return Result.done();
        }
        List<ReplicaSet> rsList = claimReplicaSets(d);
        if (d.getMetadata().getDeletionTimestamp() != null) {
            return syncStatus(getAll(d, rsList, false));
        }
        d = checkPausedConditions(d);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            return sync(getAll(d, rsList, false));
        }
        OptionalLong rollbackTo = Rollbacks.requested(d);
        if (rollbackTo.isPresent()) {
            rollbacks.rollbackTo(getAll(d, rsList, true), rollbackTo.getAsLong());
            return Result.done();
        }
        Sets sets = getAll(d, rsList, false);
        if (Rollbacks.failureRollbackDue(sets)) {
            rollbacks.rollbackFailed(sets);
            return Result.done();
        }
        if (isScalingEvent(sets)) {
            return sync(sets);
        }
        return DeploymentStatuses.isRollingUpdate(d) ? rolloutRolling(sets) : rolloutRecreate(sets);
    }

    /** ControllerRefManager.ClaimReplicaSets over the namespace's ReplicaSets. */
    private List<ReplicaSet> claimReplicaSets(Deployment d) {
        List<ReplicaSet> owned = new ArrayList<>();
        Boolean canAdopt = null;
        var api = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace());
        for (ReplicaSet cachedRS : replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, d.getMetadata().getNamespace())) {
            switch (OwnerRefs.decide(d, d.getSpec().getSelector(), cachedRS)) {
                case KEEP -> owned.add(Copies.of(cachedRS));
                case ADOPT -> {
                    if (canAdopt == null) {
                        Deployment fresh = client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
                                .withName(d.getMetadata().getName()).get();
                        canAdopt = fresh != null && Objects.equals(fresh.getMetadata().getUid(), d.getMetadata().getUid())
                                && fresh.getMetadata().getDeletionTimestamp() == null;
                    }
                    if (canAdopt) {
                        ReplicaSet rs = Copies.of(cachedRS);
                        rs.getMetadata().getOwnerReferences().add(OwnerRefs.controllerRef(d, "apps/v1", "Deployment"));
                        owned.add(api.resource(rs).update());
                    }
                }
                case RELEASE -> {
                    ReplicaSet rs = Copies.of(cachedRS);
                    rs.getMetadata().getOwnerReferences()
                            .removeIf(o -> Objects.equals(o.getUid(), d.getMetadata().getUid()));
                    try {
                        api.resource(rs).update();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 404 && e.getCode() != 422) {
                            throw e;
                        }
                    }
                }
                case IGNORE -> { }
            }
        }
        return owned;
    }

    /** sync(): scale only (a scaling event, or a paused Deployment), then the status. */
    private Result sync(Sets sets) {
        sets = scale(sets);
        if (Boolean.TRUE.equals(sets.d().getSpec().getPaused()) && Rollbacks.requested(sets.d()).isEmpty()) {
            cleanup(sets);
        }
        return syncStatus(sets);
    }

    private Result syncStatus(Sets sets) {
        DeploymentStatus next = DeploymentStatuses.calculate(sets.all(), sets.newRS(), sets.d(), clock.instant());
        if (!DeploymentStatuses.same(DeploymentStatuses.status(sets.d()), next)) {
            writeStatus(sets.d(), next);
        }
        return Result.done();
    }

    /** rolloutRolling: one step up or down, the cleanup once nothing moved and the rollout is complete. */
    private Result rolloutRolling(Sets sets) {
        sets = getAll(sets.d(), sets.all(), true);
        RollingUpdate.Step step = rolling.step(sets);
        if (!step.scaled()) {
            cleanupIfComplete(step.sets());
        }
        return syncRolloutStatus(step.sets());
    }

    /**
     * rolloutRecreate: old ReplicaSets to 0, then wait until none of their pods is left running
     * (terminating pods count), and only then create or scale up the new ReplicaSet.
     */
    private Result rolloutRecreate(Sets sets) {
        boolean scaledDown = false;
        for (ReplicaSet old : Sets.active(sets.old())) {
            sets = sets.with(scaler.scaleAndRecord(old, 0, sets.d()));
            scaledDown = true;
        }
        if (scaledDown || oldPodsRunning(sets)) {
            return syncRolloutStatus(sets);
        }
        if (sets.newRS() == null) {
            sets = getAll(sets.d(), sets.all(), true);
        }
        sets = sets.with(scaler.scaleAndRecord(sets.newRS(), sets.d().getSpec().getReplicas(), sets.d()));
        cleanupIfComplete(sets);
        return syncRolloutStatus(sets);
    }

    /** recreate.go oldPodsRunning: old ReplicaSets still report pods, or a pod of theirs is not finished. */
    private boolean oldPodsRunning(Sets sets) {
        if (Sets.actualReplicas(sets.old()) > 0) {
            return true;
        }
        List<String> oldUids = sets.old().stream().map(rs -> rs.getMetadata().getUid()).toList();
        return pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, sets.d().getMetadata().getNamespace()).stream()
                .filter(p -> Selectors.matches(sets.d().getSpec().getSelector(), p.getMetadata().getLabels()))
                .filter(p -> OwnerRefs.controllerOf(p).map(r -> oldUids.contains(r.getUid())).orElse(false))
                .anyMatch(p -> !PodFields.isTerminal(p));
    }

    /** The history cleanup runs only once the rollout completed (and then the failure mark goes). */
    private void cleanupIfComplete(Sets sets) {
        if (DeploymentStatuses.isComplete(sets.d(), DeploymentStatuses.status(sets.d()))) {
            if (sets.newRS() != null) {
                rollbacks.clearFailedMark(sets.newRS());
            }
            cleanup(sets);
        }
    }

    /** progress.go syncRolloutStatus: the status with the Progressing condition judged. */
    private Result syncRolloutStatus(Sets sets) {
        Deployment d = sets.d();
        DeploymentStatus next = DeploymentStatuses.rollout(sets.all(), sets.newRS(), d, clock.instant());
        if (!DeploymentStatuses.same(DeploymentStatuses.status(d), next)) {
            writeStatus(d, next);
            return Result.done();
        }
        return requeueIfStuck(d, next);
    }

    /** A scaling event: some active ReplicaSet was sized for a different spec.replicas. */
    private static boolean isScalingEvent(Sets sets) {
        int replicas = sets.d().getSpec().getReplicas();
        return Sets.active(sets.all()).stream().map(Revisions::desiredReplicas)
                .anyMatch(desired -> desired != null && desired != replicas);
    }

    /** sync.go scale(). */
    private Sets scale(Sets sets) {
        Deployment d = sets.d();
        int replicas = d.getSpec().getReplicas();
        ReplicaSet activeOrLatest = activeOrLatest(sets);
        if (activeOrLatest != null) {
            return activeOrLatest.getSpec().getReplicas() == replicas ? sets
                    : sets.with(scaler.scaleAndRecord(activeOrLatest, replicas, d));
        }
        if (isSaturated(d, sets.newRS())) {
            for (ReplicaSet old : Sets.active(sets.old())) {
                sets = sets.with(scaler.scaleAndRecord(old, 0, d));
            }
            return sets;
        }
        if (DeploymentStatuses.isRollingUpdate(d)) {
            ProportionalScaling.Plan plan = ProportionalScaling.plan(d, Sets.active(sets.all()));
            for (Map.Entry<ReplicaSet, Integer> e : plan.sizes().entrySet()) {
                sets = sets.with(scaler.scale(e.getKey(), e.getValue(), d, plan.operation()));
            }
        }
        return sets;
    }

    /** FindActiveOrLatest: the one active ReplicaSet; with none, the new or else the newest; with several, null. */
    private static ReplicaSet activeOrLatest(Sets sets) {
        List<ReplicaSet> active = Sets.active(sets.all());
        if (active.size() == 1) {
            return active.get(0);
        }
        if (!active.isEmpty()) {
            return null;
        }
        if (sets.newRS() != null) {
            return sets.newRS();
        }
        return sets.old().stream().max(ReplicaSetOrder.BY_CREATION).orElse(null);
    }

    /** IsSaturated: the new ReplicaSet is sized, annotated and available for exactly spec.replicas. */
    private static boolean isSaturated(Deployment d, ReplicaSet rs) {
        int replicas = d.getSpec().getReplicas();
        return rs != null && Integer.valueOf(replicas).equals(Revisions.desiredReplicas(rs))
                && rs.getSpec().getReplicas() == replicas && Sets.available(rs) == replicas;
    }

    /**
     * getAllReplicaSetsAndSyncRevision: splits the ReplicaSets into the new one (the oldest whose
     * template equals the Deployment's, ignoring pod-template-hash) and the old ones; brings the
     * new one's annotations and the Deployment's revision up to date; creates the new one when
     * asked and missing.
     */
    Sets getAll(Deployment d, List<ReplicaSet> rsList, boolean create) {
        List<ReplicaSet> sorted = rsList.stream().sorted(ReplicaSetOrder.BY_CREATION).toList();
        ReplicaSet existing = sorted.stream()
                .filter(rs -> TemplateHash.equalIgnoreHash(d.getSpec().getTemplate(), rs.getSpec().getTemplate()))
                .findFirst().orElse(null);
        List<ReplicaSet> old = sorted.stream().filter(rs -> rs != existing).toList();
        long newRevision = Revisions.max(old) + 1;
        int maxSurge = DeploymentStatuses.maxSurge(d);
        if (existing != null) {
            ReplicaSet copy = Copies.of(existing);
            boolean annotated = Revisions.setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge);
            if (annotated || !Objects.equals(copy.getSpec().getMinReadySeconds(), d.getSpec().getMinReadySeconds())) {
                copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                ReplicaSet updated = client.apps().replicaSets().inNamespace(copy.getMetadata().getNamespace())
                        .resource(copy).update();
                return new Sets(d, updated, old);
            }
            Deployment current = writeRevision(d, Revisions.annotations(copy).get(Revisions.REVISION));
            if (DeploymentStatuses.hasProgressDeadline(current)
                    && DeploymentStatuses.condition(DeploymentStatuses.status(current), DeploymentStatuses.PROGRESSING).isEmpty()) {
                DeploymentStatus s = Copies.of(DeploymentStatuses.status(current));
                DeploymentStatuses.setCondition(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                        DeploymentStatuses.FOUND_NEW_RS, "Found new replica set \"" + copy.getMetadata().getName() + "\"",
                        clock.instant()));
                current = writeStatus(current, s);
            }
            return new Sets(current, copy, old);
        }
        if (!create) {
            return new Sets(d, null, old);
        }
        return createNewReplicaSet(d, old, newRevision);
    }

    private Sets createNewReplicaSet(Deployment d, List<ReplicaSet> old, long newRevision) {
        Instant now = clock.instant();
        Integer collisionCount = DeploymentStatuses.status(d).getCollisionCount();
        String hash = TemplateHash.compute(d.getSpec().getTemplate(), collisionCount);
        PodTemplateSpec template = Copies.of(d.getSpec().getTemplate());
        if (template.getMetadata() == null) {
            template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        var labels = new HashMap<String, String>(template.getMetadata().getLabels() == null ? java.util.Map.of()
                : template.getMetadata().getLabels());
        labels.put(TemplateHash.LABEL, hash);
        template.getMetadata().setLabels(labels);
        LabelSelector selector = Copies.of(d.getSpec().getSelector());
        var matchLabels = new HashMap<String, String>(selector.getMatchLabels() == null ? java.util.Map.of()
                : selector.getMatchLabels());
        matchLabels.put(TemplateHash.LABEL, hash);
        selector.setMatchLabels(matchLabels);

        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        rs.getMetadata().setName(d.getMetadata().getName() + "-" + hash);
        rs.getMetadata().setNamespace(d.getMetadata().getNamespace());
        rs.getMetadata().setOwnerReferences(new ArrayList<>(List.of(OwnerRefs.controllerRef(d, "apps/v1", "Deployment"))));
        rs.getMetadata().setLabels(new HashMap<>(labels));
        ReplicaSetSpec spec = new ReplicaSetSpec();
        // NewRSNewReplicas for a ReplicaSet of 0: as far as the surge allows (Recreate: everything).
        spec.setReplicas(RollingUpdate.newReplicas(d, old, 0));
        spec.setMinReadySeconds(d.getSpec().getMinReadySeconds());
        spec.setSelector(selector);
        spec.setTemplate(template);
        rs.setSpec(spec);
        Revisions.setNewReplicaSetAnnotations(d, rs, newRevision, false, DeploymentStatuses.maxSurge(d));

        var api = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace());
        ReplicaSet created;
        boolean alreadyExists = false;
        try {
            created = api.resource(rs).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                ReplicaSet found = api.withName(rs.getMetadata().getName()).get();
                if (found != null && OwnerRefs.isControlledBy(found, d)
                        && TemplateHash.equalIgnoreHash(d.getSpec().getTemplate(), found.getSpec().getTemplate())) {
                    created = found;
                    alreadyExists = true;
                } else {
                    // A hash collision: another template already has this name. Count it and retry.
                    DeploymentStatus s = Copies.of(DeploymentStatuses.status(d));
                    s.setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
                    writeStatus(d, s);
                    throw e;
                }
            } else {
                String msg = "Failed to create new replica set \"" + rs.getMetadata().getName() + "\": " + ApiErrors.message(e);
                if (DeploymentStatuses.hasProgressDeadline(d) && e.getCode() != 403) {
                    DeploymentStatus s = Copies.of(DeploymentStatuses.status(d));
                    DeploymentStatuses.setCondition(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING,
                            "False", "ReplicaSetCreateError", msg, now));
                    try {
                        writeStatus(d, s);
                    } catch (KubernetesClientException ignored) {
                        // The creation failure is the error worth reporting.
                    }
                }
                events.warning(d, "ReplicaSetCreateError", msg);
                throw e;
            }
        }
        if (!alreadyExists && created.getSpec().getReplicas() > 0) {
            events.normal(d, ReplicaSetScaler.SCALING_REPLICA_SET, "Scaled up replica set " + created.getMetadata().getName()
                    + " from 0 to " + created.getSpec().getReplicas());
        }
        Deployment current = writeRevision(d, Long.toString(newRevision));
        if (!alreadyExists && DeploymentStatuses.hasProgressDeadline(current)) {
            DeploymentStatus s = Copies.of(DeploymentStatuses.status(current));
            DeploymentStatuses.setCondition(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                    DeploymentStatuses.NEW_RS_CREATED, "Created new replica set \"" + created.getMetadata().getName()
                    + "\"", now));
            current = writeStatus(current, s);
        }
        return new Sets(current, created, old);
    }

    /** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
    private Deployment checkPausedConditions(Deployment d) {
        if (!DeploymentStatuses.hasProgressDeadline(d)) {
            return d;
        }
        DeploymentCondition cond = DeploymentStatuses.condition(DeploymentStatuses.status(d),
                DeploymentStatuses.PROGRESSING).orElse(null);
        if (cond != null && DeploymentStatuses.TIMED_OUT.equals(cond.getReason())) {
            return d;
        }
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        boolean pausedCondition = cond != null && DeploymentStatuses.PAUSED.equals(cond.getReason());
        DeploymentStatus s = Copies.of(DeploymentStatuses.status(d));
        if (paused && !pausedCondition) {
            DeploymentStatuses.setCondition(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
                    DeploymentStatuses.PAUSED, "Deployment is paused", clock.instant()));
        } else if (!paused && pausedCondition) {
            DeploymentStatuses.setCondition(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
                    DeploymentStatuses.RESUMED, "Deployment is resumed", clock.instant()));
        } else {
            return d;
        }
        return writeStatus(d, s);
    }

    /** cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit go. */
    private void cleanup(Sets sets) {
        for (ReplicaSet rs : Revisions.beyondHistoryLimit(sets.d(), sets.old())) {
            try {
                client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                        .withName(rs.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    /** requeueStuckDeployment: come back when the progress deadline would pass. */
    private Result requeueIfStuck(Deployment d, DeploymentStatus next) {
        DeploymentCondition current = DeploymentStatuses.condition(DeploymentStatuses.status(d),
                DeploymentStatuses.PROGRESSING).orElse(null);
        if (!DeploymentStatuses.hasProgressDeadline(d) || current == null
                || DeploymentStatuses.isComplete(d, next) || DeploymentStatuses.TIMED_OUT.equals(current.getReason())) {
            return Result.done();
        }
        Instant updated = Pods.time(current.getLastUpdateTime());
        if (updated == null) {
            return Result.done();
        }
        Duration after = Duration.between(clock.instant(),
                updated.plusSeconds(d.getSpec().getProgressDeadlineSeconds()));
        return Result.requeueAfter(after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : after.plusSeconds(1));
    }

    /**
     * The Deployment's revision annotation. Kubernetes writes it with the status (its status
     * strategy keeps metadata changes); drover's status subresource takes only status, so this is
     * a metadata-only write of the main resource, which does not bump generation.
     */
    private Deployment writeRevision(Deployment d, String revision) {
        if (revision == null || revision.equals(Revisions.annotations(d).get(Revisions.REVISION))) {
            return d;
        }
        Deployment copy = Copies.of(d);
        if (copy.getMetadata().getAnnotations() == null) {
            copy.getMetadata().setAnnotations(new HashMap<>());
        }
        copy.getMetadata().getAnnotations().put(Revisions.REVISION, revision);
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(copy).update();
    }

    private Deployment writeStatus(Deployment d, DeploymentStatus status) {
        Deployment copy = Copies.of(d);
        copy.setStatus(status);
        return client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(copy).updateStatus();
    }
}
