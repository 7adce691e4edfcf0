package io.drover.workload;

import io.drover.controller.EventRecorder;
import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.drover.controller.Selectors;
import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's disruption controller (pkg/controller/disruption): keeps each
 * PodDisruptionBudget's status, which the eviction subresource consults before it deletes a pod.
 *
 * <p>The pods are those of the budget's namespace that its selector matches (an empty selector
 * matches all, none matches nothing). desiredHealthy is minAvailable as a count, or a percentage
 * of the expected pods, or the expected pods less maxUnavailable; the expected pods are the pods
 * themselves for a count, else the sum of the scales of their controllers ({@link ControllerScales});
 * a pod whose controller cannot be scaled fails the sync (a CalculateExpectedPodCountFailed event,
 * no disruption allowed, condition reason SyncFailed, observedGeneration kept), a pod with none is
 * left out, with a warning event, as Kubernetes does. currentHealthy counts the Ready pods that are neither being deleted
 * nor recorded in disruptedPods (an eviction the API server granted less than two minutes ago);
 * disruptionsAllowed is their difference, and 0 while no pod is expected.
 */
final class DisruptionController implements Reconciler {
    /** How long an eviction recorded in disruptedPods keeps its pod out of currentHealthy. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final SharedIndexInformer<PodDisruptionBudget> budgets;
    private final SharedIndexInformer<Pod> pods;
    private final ControllerScales scales;
    private final EventRecorder events;
    private final Clock clock;
    /** The unmanaged pods last warned about, by budget key. */
    private final Map<String, List<String>> unmanagedReported = new ConcurrentHashMap<>();
    /** The budgets whose NoPods event was recorded since they last selected a pod. */
    private final java.util.Set<String> noPodsReported = ConcurrentHashMap.newKeySet();

    DisruptionController(KubernetesClient client, SharedIndexInformer<PodDisruptionBudget> budgets,
            SharedIndexInformer<Pod> pods, SharedIndexInformer<ReplicaSet> replicaSets,
            SharedIndexInformer<Deployment> deployments, EventRecorder events, Clock clock) {
        this.client = client;
        this.budgets = budgets;
        this.pods = pods;
        this.scales = new ControllerScales(client, replicaSets, deployments);
        this.events = events;
        this.clock = clock;
    }

    /** The pods of {@code pdb}: its namespace's pods that its selector matches. */
    List<Pod> podsOf(PodDisruptionBudget pdb) {
        LabelSelector selector = pdb.getSpec() == null ? null : pdb.getSpec().getSelector();
        String namespace = pdb.getMetadata().getNamespace();
        return pods.getStore().list().stream()
                .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
                .filter(p -> Selectors.matches(selector, p.getMetadata().getLabels()))
                .toList();
    }

    @Override
    public Result reconcile(String key) {
        PodDisruptionBudget pdb = budgets.getStore().getByKey(key);
        if (pdb == null || pdb.getMetadata().getDeletionTimestamp() != null) {
            unmanagedReported.remove(key);
            noPodsReported.remove(key);
            return Result.done();
        }
        Instant now = Instant.now(clock);
        List<Pod> selected = podsOf(pdb);
        // trySync's NoPods, said once while the budget selects nothing (the correlator would fold the repeats).
        if (!selected.isEmpty()) {
            noPodsReported.remove(key);
        } else if (noPodsReported.add(key)) {
            events.normal(pdb, "NoPods", "No matching pods found");
        }
        int[] expectedAndDesired;
        try {
            expectedAndDesired = expectedAndDesired(pdb, selected);
        } catch (SyncFailure e) {
            // trySync's event, then failSafe; kube's sync returns failSafe's (nil) error, so nothing is retried
            // until the budget, a pod or a controller changes.
            events.warning(pdb, "CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: "
                    + e.getMessage());
            write(pdb, failSafe(pdb, e.getMessage(), now));
            return Result.done();
        }
        Map<String, String> disrupted = new LinkedHashMap<>();
        Instant recheck = disruptedPods(pdb, selected, now, disrupted);
        int currentHealthy = 0;
        for (Pod pod : selected) {
            if (pod.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(pod.getMetadata().getName())
                    && ready(pod)) {
                currentHealthy++;
            }
        }
        int expected = expectedAndDesired[0];
        int desired = expectedAndDesired[1];
        int allowed = expected <= 0 ? 0 : Math.max(0, currentHealthy - desired);
        PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
        status.setCurrentHealthy(currentHealthy);
        status.setDesiredHealthy(desired);
        status.setExpectedPods(expected);
        status.setDisruptionsAllowed(allowed);
        status.setDisruptedPods(disrupted.isEmpty() ? null : disrupted);
        status.setObservedGeneration(pdb.getMetadata().getGeneration());
        status.setConditions(withCondition(pdb, allowed > 0 ? "True" : "False",
                allowed > 0 ? "SufficientPods" : "InsufficientPods", "", pdb.getMetadata().getGeneration(), now));
        write(pdb, status);
        return recheck == null ? Result.done() : Result.requeueAfter(Duration.between(now, recheck).plusSeconds(1));
    }

    /** getExpectedPodCount: {expectedCount, desiredHealthy}. */
    private int[] expectedAndDesired(PodDisruptionBudget pdb, List<Pod> selected) throws SyncFailure {
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            int expected = expectedScale(pdb, selected);
            int desired = Math.max(0, expected - DeploymentStatuses.scaled(maxUnavailable, expected, true));
            return new int[] {expected, desired};
        }
        if (minAvailable != null) {
            if (minAvailable.getIntVal() != null) {
                return new int[] {selected.size(), minAvailable.getIntVal()};
            }
            int expected = expectedScale(pdb, selected);
            return new int[] {expected, DeploymentStatuses.scaled(minAvailable, expected, true)};
        }
        return new int[] {0, 0};
    }

    /** getExpectedScale: the sum of the scales of the selected pods' controllers, each counted once. */
    private int expectedScale(PodDisruptionBudget pdb, List<Pod> selected) throws SyncFailure {
        Map<String, Integer> scaleByController = new LinkedHashMap<>();
        List<String> unmanaged = new ArrayList<>();
        for (Pod pod : selected) {
            OwnerReference ref = OwnerRefs.controllerOf(pod).orElse(null);
            if (ref == null) {
                unmanaged.add(pod.getMetadata().getName());
                continue;
            }
            if (scaleByController.containsKey(ref.getUid())) {
                continue;
            }
            ControllerScales.ControllerScale scale = scales.find(ref, pod.getMetadata().getNamespace())
                    .orElseThrow(() -> new SyncFailure("found no controllers for pod \"" + pod.getMetadata().getName()
                            + "\""));
            scaleByController.put(ref.getUid(), 0);
            scaleByController.put(scale.uid(), scale.replicas());
        }
        // Said once per budget and set of pods, not at every sync (each pod change is one): client-go's
        // event correlator would fold the repeats into one Event's count.
        List<String> reported = unmanagedReported.put(Keys.of(pdb), unmanaged);
        if (!unmanaged.isEmpty() && !unmanaged.equals(reported)) {
            events.warning(pdb, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: "
                    + goString(pdb.getSpec().getSelector()) + ") were found to be unmanaged. As a result, the status of the PDB "
                    + "cannot be calculated correctly, which may result in undefined behavior. To account for these pods "
                    + "please set \".spec.minAvailable\" field of the PDB to an integer value.");
        }
        return scaleByController.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A selector as kube-controller-manager's %v prints it (the gogo-generated String of metav1.LabelSelector). */
    static String goString(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return "nil";
        }
        StringBuilder labels = new StringBuilder("map[string]string{");
        new java.util.TreeMap<>(selector.getMatchLabels() == null ? Map.<String, String>of() : selector.getMatchLabels())
                .forEach((k, v) -> labels.append(k).append(": ").append(v).append(','));
        StringBuilder expressions = new StringBuilder("[]LabelSelectorRequirement{");
        for (var e : selector.getMatchExpressions() == null ? List.<io.fabric8.kubernetes.api.model.LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            expressions.append("LabelSelectorRequirement{Key:").append(e.getKey()).append(",Operator:")
                    .append(e.getOperator()).append(",Values:[").append(String.join(" ",
                            e.getValues() == null ? List.of() : e.getValues())).append("],},");
        }
        return "&LabelSelector{MatchLabels:" + labels + "},MatchExpressions:" + expressions + "},}";
    }

    /**
     * buildDisruptedPodMap: the granted evictions whose pods still exist, are not being deleted and
     * were granted less than {@link #DELETION_TIMEOUT} ago, into {@code result}; returns when the
     * first of them expires (null when none), to look again then.
     */
    private Instant disruptedPods(PodDisruptionBudget pdb, List<Pod> selected, Instant now, Map<String, String> result) {
        Map<String, String> recorded = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptedPods();
        if (recorded == null || recorded.isEmpty()) {
            return null;
        }
        Instant recheck = null;
        for (Pod pod : selected) {
            String name = pod.getMetadata().getName();
            String at = recorded.get(name);
            if (pod.getMetadata().getDeletionTimestamp() != null || at == null) {
                continue;
            }
            Instant expected = Instant.parse(at).plus(DELETION_TIMEOUT);
            if (expected.isBefore(now)) {
                events.warning(pod, "NotDeleted", "Pod was expected by PDB " + pdb.getMetadata().getNamespace() + "/"
                        + pdb.getMetadata().getName() + " to be deleted but it wasn't");
            } else {
                result.put(name, at);
                recheck = recheck == null || expected.isBefore(recheck) ? expected : recheck;
            }
        }
        return recheck;
    }

    /**
     * failSafe: no disruption allowed, and why, the rest of the status as it was. Its observedGeneration
     * too (only updatePdbStatus advances it), and the condition's is that one: an eviction meanwhile
     * hears that the budget is still being processed.
     */
    private PodDisruptionBudgetStatus failSafe(PodDisruptionBudget pdb, String message, Instant now) {
        PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
        if (pdb.getStatus() != null) {
            status.setCurrentHealthy(pdb.getStatus().getCurrentHealthy());
            status.setDesiredHealthy(pdb.getStatus().getDesiredHealthy());
            status.setExpectedPods(pdb.getStatus().getExpectedPods());
            status.setDisruptedPods(pdb.getStatus().getDisruptedPods());
        }
        Long observed = pdb.getStatus() == null ? null : pdb.getStatus().getObservedGeneration();
        status.setObservedGeneration(observed);
        status.setDisruptionsAllowed(0);
        status.setConditions(withCondition(pdb, "False", "SyncFailed", message, observed, now));
        return status;
    }

    /** apimeta.SetStatusCondition of DisruptionAllowed: lastTransitionTime moves only with the status. */
    private static List<Condition> withCondition(PodDisruptionBudget pdb, String status, String reason, String message,
            Long observedGeneration, Instant now) {
        List<Condition> conditions = new ArrayList<>();
        Condition previous = null;
        if (pdb.getStatus() != null && pdb.getStatus().getConditions() != null) {
            for (Condition c : pdb.getStatus().getConditions()) {
                if ("DisruptionAllowed".equals(c.getType())) {
                    previous = c;
                } else {
                    conditions.add(c);
                }
            }
        }
        String transition = previous != null && status.equals(previous.getStatus()) ? previous.getLastTransitionTime()
                : MetaTime.format(now);
        conditions.add(new ConditionBuilder().withType("DisruptionAllowed").withStatus(status).withReason(reason)
                .withMessage(message).withObservedGeneration(observedGeneration)
                .withLastTransitionTime(transition).build());
        return conditions;
    }

    private void write(PodDisruptionBudget pdb, PodDisruptionBudgetStatus status) {
        if (status.equals(pdb.getStatus())) {
            return;
        }
        PodDisruptionBudget updated = new PodDisruptionBudgetBuilder(pdb)
                .withStatus(status).build();
        try {
            client.policy().v1().podDisruptionBudget().inNamespace(pdb.getMetadata().getNamespace())
                    .resource(updated).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                // A conflict means the cache is behind: the informer brings the new version, and a retry with it.
                throw e;
            }
        }
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A budget whose pods cannot be counted. */
    static final class SyncFailure extends Exception {
        SyncFailure(String message) {
            super(message);
        }
    }
}
