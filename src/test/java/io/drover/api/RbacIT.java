package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rbac.authorization.k8s.io/v1 through the fabric8 client: the bootstrap roles and bindings,
 * Kubernetes' defaults and validation messages, roleRef's immutability, and the ClusterRole
 * aggregation controller.
 */
class RbacIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PolicyRule WIDGETS = new PolicyRuleBuilder().withApiGroups("example.com")
            .withResources("widgets").withVerbs("get", "list", "watch").build();

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @Test
    void bootstrapsTheDefaultRolesAndBindingsWithAggregatedRules() {
        ClusterRole admin = CLUSTER.client().rbac().clusterRoles().withName("cluster-admin").get();
        assertThat(admin.getRules()).hasSize(2);
        assertThat(admin.getMetadata().getLabels()).containsEntry("kubernetes.io/bootstrapping", "rbac-defaults");
        assertThat(CLUSTER.client().rbac().clusterRoleBindings().withName("cluster-admin").get().getSubjects())
                .extracting(Subject::getKind, Subject::getName).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Group", "system:masters"));
        PolicyRule viewPods = new PolicyRuleBuilder().withApiGroups("").withResources("configmaps", "endpoints",
                "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                "replicationcontrollers/scale", "serviceaccounts", "services", "services/status")
                .withVerbs("get", "list", "watch").build();
        // view is aggregated into edit, and edit into admin.
        for (String role : List.of("view", "edit", "admin")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().rbac().clusterRoles().withName(role).get()
                    .getRules()).contains(viewPods));
        }
        assertThat(CLUSTER.client().rbac().clusterRoles().withName("view").get().getRules())
                .noneMatch(r -> r.getVerbs().contains("create"));
    }

    @Test
    void aRoleLabelledToAggregateExtendsViewUntilTheLabelGoes() {
        CLUSTER.client().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("widget-viewer")
                .addToLabels("rbac.authorization.k8s.io/aggregate-to-view", "true").endMetadata()
                .withRules(WIDGETS).build()).create();
        for (String role : List.of("view", "edit", "admin")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().rbac().clusterRoles().withName(role).get()
                    .getRules()).contains(WIDGETS));
        }
        CLUSTER.client().rbac().clusterRoles().withName("widget-viewer").edit(r -> {
            r.getMetadata().getLabels().remove("rbac.authorization.k8s.io/aggregate-to-view");
            return r;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().rbac().clusterRoles().withName("admin").get()
                .getRules()).doesNotContain(WIDGETS));
        CLUSTER.client().rbac().clusterRoles().withName("widget-viewer").delete();
    }

    @Test
    void bindingsGetTheirApiGroupsByDefaultAndKeepTheirRoleRef() {
        Role role = CLUSTER.client().rbac().roles().inNamespace("default").resource(new RoleBuilder().withNewMetadata()
                .withName("pod-reader").endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("")
                        .withResources("pods").withVerbs("get").build()).build()).create();
        assertThat(role.getRules()).hasSize(1);

        RoleBinding binding = CLUSTER.client().rbac().roleBindings().inNamespace("default").resource(new RoleBindingBuilder()
                .withNewMetadata().withName("read-pods").endMetadata()
                .withNewRoleRef().withKind("Role").withName("pod-reader").endRoleRef()
                .addNewSubject().withKind("User").withName("alice").endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("ci").endSubject()
                .build()).create();
        assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(binding.getSubjects()).extracting(Subject::getApiGroup)
                .containsExactly("rbac.authorization.k8s.io", null);

        assertThatThrownBy(() -> CLUSTER.client().rbac().roleBindings().inNamespace("default").withName("read-pods")
                .edit(b -> {
                    b.getRoleRef().setName("other");
                    return b;
                }))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("roleRef: Invalid value: rbac.RoleRef{APIGroup:"
                            + "\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: cannot change roleRef");
                });
        CLUSTER.client().rbac().roleBindings().inNamespace("default").withName("read-pods").delete();
        CLUSTER.client().rbac().roles().inNamespace("default").withName("pod-reader").delete();
    }

    @Test
    void refusesInvalidRulesAndSubjectsWithKubernetesMessages() {
        assertThatThrownBy(() -> CLUSTER.client().rbac().roles().inNamespace("default").resource(new RoleBuilder()
                .withNewMetadata().withName("bad").endMetadata()
                .withRules(new PolicyRuleBuilder().withNonResourceURLs("/healthz").withVerbs("get").build(),
                        new PolicyRuleBuilder().withVerbs("get").build())
                .build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(
                            "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot "
                                    + "apply to non-resource URLs",
                            "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
                            "rules[1].resources: Required value: resource rules must supply at least one resource");
                });
        assertThatThrownBy(() -> CLUSTER.client().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder()
                .withNewMetadata().withName("bad/name").endMetadata()
                .withNewRoleRef().withKind("Role").withName("view").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("ci").endSubject()
                .build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(
                            "metadata.name: Invalid value: \"bad/name\": may not contain '/'",
                            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
                            "subjects[0].namespace: Required value");
                });
        // Names are path segments, not DNS names: the bootstrap roles' colons are fine.
        ClusterRole colons = CLUSTER.client().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata()
                .withName("system:Example:Role").endMetadata().build()).create();
        assertThat(colons.getMetadata().getUid()).isNotBlank();
        CLUSTER.client().rbac().clusterRoles().withName("system:Example:Role").delete();
    }
}
