package io.drover.workload;

import io.drover.controller.EventRecorder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rolling a Deployment back to an earlier ReplicaSet's template (Kubernetes' rollback.go), asked
 * for in two ways:
 *
 * <ul>
 *   <li>the {@code deprecated.deployment.rollback.to} annotation, which is how apps/v1 carries
 *       the old rollback subresource's revision (0: the previous one). kubectl's
 *       {@code rollout undo} does not use it: it patches the template itself.
 *   <li>drover's opt-in {@code drover.io/rollback-on-failure: "true"}, Docker Swarm's
 *       {@code failure_action: rollback}: when the new ReplicaSet's rollout exceeds its progress
 *       deadline, the controller marks that ReplicaSet {@code drover.io/rollout-failed} and rolls
 *       back to the newest earlier revision not so marked. The mark keeps two bad versions from
 *       rolling back to each other for ever; it is removed when that ReplicaSet's rollout completes.
 * </ul>
 * Either way the template change goes through an update of the Deployment, so the ordinary
 * rollout then finds the old ReplicaSet as the new one and gives it the next revision.
 */
final class Rollbacks {
    static final String ROLLBACK_ON_FAILURE = "drover.io/rollback-on-failure";
    static final String ROLLOUT_FAILED = "drover.io/rollout-failed";
    static final String ROLLBACK_DONE = "DeploymentRollback";
    static final String REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound";
    static final String TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged";
    static final String ROLLOUT_FAILED_REASON = "RolloutFailed";

    private final KubernetesClient client;
    private final EventRecorder events;

    Rollbacks(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** getRollbackTo: the requested revision, empty when none or not a number. */
    static OptionalLong requested(Deployment d) {
        String v = Revisions.annotations(d).get(Revisions.ROLLBACK_TO);
        if (v == null || v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** rollback(): to the requested revision, or the previous one for 0; the annotation is cleared either way. */
    void rollbackTo(Sets sets, long revision) {
        Deployment d = sets.d();
        if (revision == 0) {
            revision = lastRevision(sets);
            if (revision == 0) {
                events.warning(d, REVISION_NOT_FOUND, "Unable to find last revision.");
                update(d, null);
                return;
            }
        }
        long wanted = revision;
        Optional<ReplicaSet> target = sets.all().stream().filter(rs -> Revisions.of(rs) == wanted).findFirst();
        if (target.isEmpty()) {
            events.warning(d, REVISION_NOT_FOUND, "Unable to find the revision to rollback to.");
            update(d, null);
            return;
        }
        if (TemplateHash.equalIgnoreHash(d.getSpec().getTemplate(), target.get().getSpec().getTemplate())) {
            events.warning(d, TEMPLATE_UNCHANGED, "The rollback revision contains the same template as current deployment \""
                    + d.getMetadata().getName() + "\"");
            update(d, null);
            return;
        }
        update(d, target.get());
        events.normal(d, ROLLBACK_DONE, "Rolled back deployment \"" + d.getMetadata().getName() + "\" to revision " + wanted);
    }

    /** Whether the opt-in rollback is due: the new ReplicaSet itself timed out and is not marked yet. */
    static boolean failureRollbackDue(Sets sets) {
        Deployment d = sets.d();
        ReplicaSet newRS = sets.newRS();
        if (newRS == null || !"true".equals(Revisions.annotations(d).get(ROLLBACK_ON_FAILURE))
                || Revisions.annotations(newRS).containsKey(ROLLOUT_FAILED)) {
            return false;
        }
        DeploymentCondition c = DeploymentStatuses.condition(DeploymentStatuses.status(d), DeploymentStatuses.PROGRESSING)
                .orElse(null);
        // The condition names the ReplicaSet that timed out; after a template change it is stale
        // until the next progress, and must not be read as the new ReplicaSet's failure.
        return c != null && "False".equals(c.getStatus()) && DeploymentStatuses.TIMED_OUT.equals(c.getReason())
                && Objects.equals(c.getMessage(), DeploymentStatuses.timedOutMessage(d, newRS));
    }

    /** Marks the new ReplicaSet failed and rolls back to the newest earlier revision that has not failed. */
    void rollbackFailed(Sets sets) {
        Deployment d = sets.d();
        ReplicaSet failed = Copies.of(sets.newRS());
        Optional<ReplicaSet> target = sets.old().stream()
                .filter(rs -> !Revisions.annotations(rs).containsKey(ROLLOUT_FAILED))
                .filter(rs -> !TemplateHash.equalIgnoreHash(d.getSpec().getTemplate(), rs.getSpec().getTemplate()))
                .max(Comparator.comparingLong(Revisions::of));
        String what = "ReplicaSet \"" + failed.getMetadata().getName() + "\" exceeded its progress deadline";
        if (target.isEmpty()) {
            markFailed(failed);
            events.warning(d, REVISION_NOT_FOUND, what + "; no earlier revision that has not failed to roll back to");
            return;
        }
        long revision = Revisions.of(target.get());
        // The Deployment first: if that write loses a race, nothing is marked and the next
        // reconcile tries again; once it is written the condition no longer names this ReplicaSet.
        update(d, target.get());
        markFailed(failed);
        events.warning(d, ROLLOUT_FAILED_REASON, what + "; rolling back to revision " + revision + " ("
                + ROLLBACK_ON_FAILURE + ")");
        events.normal(d, ROLLBACK_DONE, "Rolled back deployment \"" + d.getMetadata().getName() + "\" to revision " + revision);
    }

    private void markFailed(ReplicaSet failed) {
        failed.getMetadata().getAnnotations().put(ROLLOUT_FAILED, DeploymentStatuses.TIMED_OUT);
        client.apps().replicaSets().inNamespace(failed.getMetadata().getNamespace()).resource(failed).update();
    }

    /** The mark goes once the ReplicaSet's rollout completed: the template is good after all. */
    ReplicaSet clearFailedMark(ReplicaSet rs) {
        if (!Revisions.annotations(rs).containsKey(ROLLOUT_FAILED)) {
            return rs;
        }
        ReplicaSet copy = Copies.of(rs);
        copy.getMetadata().getAnnotations().remove(ROLLOUT_FAILED);
        return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(copy).update();
    }

    /** LastRevision: the second-highest revision. */
    private static long lastRevision(Sets sets) {
        long max = 0;
        long second = 0;
        for (ReplicaSet rs : sets.all()) {
            long v = Revisions.of(rs);
            if (v >= max) {
                second = max;
                max = v;
            } else if (v > second) {
                second = v;
            }
        }
        return second;
    }

    /**
     * updateDeploymentAndClearRollbackTo, after rollbackToTemplate when {@code target} is given:
     * the target's template (without pod-template-hash) and annotations (SetDeploymentAnnotationsTo,
     * so the change-cause follows the template), keeping the Deployment's own bookkeeping
     * annotations and its opt-in.
     */
    private void update(Deployment cached, ReplicaSet target) {
        Deployment d = Copies.of(cached);
        Map<String, String> annotations = new HashMap<>(Revisions.annotations(d));
        if (target != null) {
            PodTemplateSpec template = Copies.of(target.getSpec().getTemplate());
            if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
                template.getMetadata().getLabels().remove(TemplateHash.LABEL);
            }
            d.getSpec().setTemplate(template);
            Map<String, String> kept = new HashMap<>();
            annotations.forEach((k, v) -> {
                if (Revisions.notCopied(k)) {
                    kept.put(k, v);
                }
            });
            Revisions.annotations(target).forEach((k, v) -> {
                if (!Revisions.notCopied(k)) {
                    kept.put(k, v);
                }
            });
            // The server's rollback keeps the Deployment's own switch, whatever the old ReplicaSet carried.
            kept.remove(ROLLBACK_ON_FAILURE);
            String optIn = annotations.get(ROLLBACK_ON_FAILURE);
            if (optIn != null) {
                kept.put(ROLLBACK_ON_FAILURE, optIn);
            }
            annotations = kept;
        }
        annotations.remove(Revisions.ROLLBACK_TO);
        d.getMetadata().setAnnotations(annotations);
        client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).update();
    }
}
