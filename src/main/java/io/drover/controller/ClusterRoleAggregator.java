package io.drover.controller;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an
 * aggregationRule gets, as its rules, the rules of every other ClusterRole that one of its
 * selectors matches, selector by selector, the matching roles in name order, each rule once. This
 * is how the bootstrap roles admin, edit and view get their rules, and how a role labelled
 * {@code rbac.authorization.k8s.io/aggregate-to-view: "true"} extends view.
 */
final class ClusterRoleAggregator implements Reconciler {
    private final KubernetesClient client;
    private final SharedIndexInformer<ClusterRole> roles;

    ClusterRoleAggregator(KubernetesClient client, SharedIndexInformer<ClusterRole> roles) {
        this.client = client;
        this.roles = roles;
    }

    /**
     * The roles with an aggregationRule: what to look at again when any ClusterRole changes, since
     * any of them may select it (or have selected it before its labels changed).
     */
    List<String> aggregatedRoles() {
        List<String> keys = new ArrayList<>();
        for (ClusterRole role : roles.getStore().list()) {
            if (role.getAggregationRule() != null) {
                keys.add(role.getMetadata().getName());
            }
        }
        return keys;
    }

    @Override
    public Result reconcile(String name) {
        ClusterRole role = roles.getStore().getByKey(name);
        if (role == null || role.getAggregationRule() == null) {
            return Result.done();
        }
        List<PolicyRule> rules = aggregate(role);
        if (rules.equals(Objects.requireNonNullElse(role.getRules(), List.of()))) {
            return Result.done();
        }
        try {
            client.rbac().clusterRoles().withName(name).edit(current -> {
                current.setRules(rules);
                return current;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        return Result.done();
    }

    private List<PolicyRule> aggregate(ClusterRole aggregated) {
        List<PolicyRule> rules = new ArrayList<>();
        List<LabelSelector> selectors = aggregated.getAggregationRule().getClusterRoleSelectors();
        for (LabelSelector selector : selectors == null ? List.<LabelSelector>of() : selectors) {
            List<ClusterRole> matching = roles.getStore().list().stream()
                    .filter(r -> !r.getMetadata().getName().equals(aggregated.getMetadata().getName()))
                    .filter(r -> Selectors.matches(selector, r.getMetadata().getLabels()))
                    .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                    .toList();
            for (ClusterRole source : matching) {
                for (PolicyRule rule : Objects.requireNonNullElse(source.getRules(), List.<PolicyRule>of())) {
                    if (!rules.contains(rule)) {
                        rules.add(rule);
                    }
                }
            }
        }
        return rules;
    }
}
