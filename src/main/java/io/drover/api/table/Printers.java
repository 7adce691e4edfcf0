package io.drover.api.table;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The printer for each (API group, kind); kinds without one get {@link DefaultPrinter}. The group
 * is part of the key because kinds repeat across groups with different shapes (core Event and
 * events.k8s.io Event).
 */
final class Printers {

    private final Map<GroupKind, Printer> byKind;
    private final Printer fallback = new DefaultPrinter();

    private Printers(Map<GroupKind, Printer> byKind) {
        this.byKind = Map.copyOf(byKind);
    }

    /** The printers for the kinds drover serves, as Kubernetes 1.32 prints them. */
    static Printers standard() {
        Map<GroupKind, Printer> printers = new HashMap<>();
        printers.put(new GroupKind("", "Pod"), new PodPrinter());
        printers.put(new GroupKind("", "Service"), new ServicePrinter());
        printers.put(new GroupKind("", "Endpoints"), new EndpointPrinters.Endpoints());
        printers.put(new GroupKind("", "ConfigMap"), SimplePrinters.configMap());
        printers.put(new GroupKind("", "Secret"), SimplePrinters.secret());
        printers.put(new GroupKind("", "ServiceAccount"), SimplePrinters.serviceAccount());
        printers.put(new GroupKind("", "Namespace"), SimplePrinters.namespace());
        printers.put(new GroupKind("", "Node"), new NodePrinter());
        printers.put(new GroupKind("", "Event"), new EventPrinter());
        printers.put(new GroupKind("", "ResourceQuota"), new QuotaPrinters.ResourceQuota());
        printers.put(new GroupKind("", "LimitRange"), new CreatedAtPrinter());
        printers.put(new GroupKind("apps", "Deployment"), new WorkloadPrinters.Deployment());
        printers.put(new GroupKind("apps", "ReplicaSet"), new WorkloadPrinters.ReplicaSet());
        printers.put(new GroupKind("discovery.k8s.io", "EndpointSlice"), new EndpointPrinters.EndpointSlice());
        printers.put(new GroupKind("autoscaling", "HorizontalPodAutoscaler"), new HpaPrinter());
        printers.put(new GroupKind("autoscaling", "Scale"), SimplePrinters.scale());
        printers.put(new GroupKind("coordination.k8s.io", "Lease"), SimplePrinters.lease());
        printers.put(new GroupKind("node.k8s.io", "RuntimeClass"), SimplePrinters.runtimeClass());
        printers.put(new GroupKind("policy", "PodDisruptionBudget"), new PodDisruptionBudgetPrinter());
        printers.put(new GroupKind("scheduling.k8s.io", "PriorityClass"), new PriorityClassPrinter());
        printers.put(new GroupKind("rbac.authorization.k8s.io", "Role"), new CreatedAtPrinter());
        printers.put(new GroupKind("rbac.authorization.k8s.io", "ClusterRole"), new CreatedAtPrinter());
        printers.put(new GroupKind("rbac.authorization.k8s.io", "RoleBinding"), RoleBindingPrinter.roleBinding());
        printers.put(new GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
                RoleBindingPrinter.clusterRoleBinding());
        return new Printers(printers);
    }

    Printer forKind(String group, String kind) {
        return byKind.getOrDefault(new GroupKind(group, kind), fallback);
    }

    record GroupKind(String group, String kind) {
        GroupKind {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(kind, "kind");
        }
    }
}
