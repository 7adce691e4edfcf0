package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.drover.testing.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The built-in controllers, against a real server: namespaces, service accounts, garbage collection. */
class ControllersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName(prefix + "-")
                .endMetadata().build()).create().getMetadata().getName();
    }

    private ConfigMap configMap(String ns, String name) {
        return CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().build()).create();
    }

    private ConfigMap ownedConfigMap(String ns, String name, ConfigMap owner) {
        return CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                        .withBlockOwnerDeletion(true).build())
                .endMetadata().build()).create();
    }

    @Test
    void everyNamespaceGetsADefaultServiceAccount() {
        String ns = newNamespace("sa");
        await().atMost(WAIT).until(() -> CLUSTER.client().serviceAccounts().inNamespace(ns).withName("default").get() != null);

        CLUSTER.client().serviceAccounts().inNamespace(ns).withName("default").delete();
        await().atMost(WAIT).until(() -> {
            var sa = CLUSTER.client().serviceAccounts().inNamespace(ns).withName("default").get();
            return sa != null && sa.getMetadata().getDeletionTimestamp() == null;
        });
    }

    @Test
    void everyNamespaceGetsTheRootCaConfigMapAndKeepsItAsPublished() throws Exception {
        String ns = newNamespace("rootca");
        String ca = Files.readString(CLUSTER.cluster().dataDir().resolve("pki/ca.crt"));
        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
        ConfigMap published = CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
        assertThat(published.getData()).containsExactly(Map.entry("ca.crt", ca));
        assertThat(published.getMetadata().getAnnotations()).containsEntry("kubernetes.io/description",
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as"
                        + " the internal service IP or kubernetes.default.svc. No other usage is guaranteed across"
                        + " distributions of Kubernetes clusters.");
        assertThat(CLUSTER.client().configMaps().inNamespace("kube-system").withName("kube-root-ca.crt").get()).isNotNull();

        // A changed copy gets the bundle and the description back; the user's own labels stay.
        CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").edit(cm -> new ConfigMapBuilder(cm)
                .editMetadata().withAnnotations(Map.of()).addToLabels("team", "a").endMetadata()
                .withData(Map.of("ca.crt", "not a CA")).build());
        await().atMost(WAIT).untilAsserted(() -> {
            ConfigMap restored = CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
            assertThat(restored.getData()).containsExactly(Map.entry("ca.crt", ca));
            assertThat(restored.getMetadata().getAnnotations()).containsKey("kubernetes.io/description");
            assertThat(restored.getMetadata().getLabels()).containsEntry("team", "a");
        });

        // A deleted one comes back.
        String uid = published.getMetadata().getUid();
        CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").delete();
        await().atMost(WAIT).until(() -> {
            ConfigMap again = CLUSTER.client().configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
            return again != null && !again.getMetadata().getUid().equals(uid);
        });
    }

    @Test
    void objectsWithTextBeyondAsciiDoNotStopTheControllersWatches() {
        // Every watch event of these carries multi-byte UTF-8; fabric8's HTTP watch split them badly and
        // its informers then stopped for good.
        for (int i = 0; i < 3; i++) {
            CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("uni-")
                    .addToAnnotations("description", "héllo ✓ café ☕ " + "ü".repeat(i * 700)).endMetadata().build())
                    .create();
        }
        String later = newNamespace("after-uni");

        await().atMost(WAIT).until(() -> CLUSTER.client().serviceAccounts().inNamespace(later)
                .withName("default").get() != null);
    }

    @Test
    void deletingANamespaceRemovesEverythingInIt() {
        String ns = newNamespace("doomed");
        configMap(ns, "a");
        configMap(ns, "b");
        CLUSTER.client().namespaces().withName(ns).delete();

        await().atMost(WAIT).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void systemNamespacesCannotBeDeleted() {
        assertThatThrownBy(() -> CLUSTER.client().namespaces().withName("kube-system").delete())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("this namespace may not be deleted");
                });
    }

    @Test
    void aDeletedSystemNamespaceIsCreatedAgain() {
        String before = CLUSTER.client().namespaces().withName("kube-node-lease").get().getMetadata().getUid();
        CLUSTER.client().namespaces().withName("kube-node-lease").delete();

        await().atMost(WAIT).untilAsserted(() -> {
            var ns = CLUSTER.client().namespaces().withName("kube-node-lease").get();
            assertThat(ns).isNotNull();
            assertThat(ns.getMetadata().getUid()).isNotEqualTo(before);
            assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
        });
    }

    private static String conditions(String ns) {
        var status = CLUSTER.client().namespaces().withName(ns).get().getStatus();
        return status.getConditions() == null ? "" : status.getConditions().stream()
                .map(c -> c.getType() + " " + c.getStatus() + " " + c.getReason() + " " + c.getMessage())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static final String ALL_REMOVED = """
            NamespaceDeletionDiscoveryFailure False ResourcesDiscovered All resources successfully discovered
            NamespaceDeletionGroupVersionParsingFailure False ParsedGroupVersions All legacy kube types successfully parsed
            NamespaceDeletionContentFailure False ContentDeleted All content successfully deleted, may be waiting on finalization
            NamespaceContentRemaining False ContentRemoved All content successfully removed
            NamespaceFinalizersRemaining False ContentHasNoFinalizers All content-preserving finalizers finished""";

    private static void finalize(String ns, String... finalizers) {
        var namespace = CLUSTER.client().namespaces().withName(ns).get();
        namespace.getSpec().setFinalizers(List.of(finalizers));
        CLUSTER.client().raw("/api/v1/namespaces/" + ns + "/finalize", "PUT", namespace);
    }

    @Test
    void anEmptyNamespaceHeldByAnotherFinalizerSaysItsContentIsRemoved() {
        String ns = newNamespace("held-spec");
        finalize(ns, "kubernetes", "example.com/x");
        CLUSTER.client().namespaces().withName(ns).delete();

        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(ns)).isEqualTo(ALL_REMOVED));
        await().atMost(WAIT).until(() -> CLUSTER.client().namespaces().withName(ns).get().getSpec().getFinalizers()
                .equals(List.of("example.com/x")));
        finalize(ns);
        await().atMost(WAIT).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
    }

    @Test
    void theRemainingContentConditionsClearOnceTheContentIsGone() {
        String ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName("held-meta-").addToFinalizers("example.com/meta").endMetadata().build()).create()
                .getMetadata().getName();
        CLUSTER.client().secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("held").addToFinalizers("example.com/hold").endMetadata().build()).create();
        CLUSTER.client().namespaces().withName(ns).delete();
        try {
            await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(ns))
                    .contains("NamespaceContentRemaining True SomeResourcesRemain Some resources are remaining: "
                            + "secrets. has 1 resource instances")
                    .contains("NamespaceFinalizersRemaining True SomeFinalizersRemain Some content in the namespace "
                            + "has finalizers remaining: example.com/hold in 1 resource instances"));

            CLUSTER.client().secrets().inNamespace(ns).withName("held").edit(x -> {
                x.getMetadata().setFinalizers(List.of());
                return x;
            });
            await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(ns)).isEqualTo(ALL_REMOVED));
        } finally {
            // A merge patch, unconditional: the namespace controller writes the namespace's conditions meanwhile.
            CLUSTER.client().namespaces().withName(ns).patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                    "{\"metadata\":{\"finalizers\":null}}");
        }
        await().atMost(WAIT).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
    }

    @Test
    void aTerminatingNamespaceRefusesNewContentUntilItIsGone() {
        String ns = newNamespace("held");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        CLUSTER.client().namespaces().withName(ns).delete();

        await().atMost(WAIT).until(() -> "Terminating".equals(CLUSTER.client().namespaces().withName(ns).get().getStatus()
                .getPhase()));
        assertThatThrownBy(() -> configMap(ns, "late"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

        CLUSTER.client().configMaps().inNamespace(ns).withName("held")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
        await().atMost(WAIT).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
    }

    @Test
    void dependentsOfADeletedOwnerAreCollected() {
        String ns = newNamespace("gc");
        ConfigMap owner = configMap(ns, "owner");
        ownedConfigMap(ns, "child", owner);
        CLUSTER.client().configMaps().inNamespace(ns).withName("owner").withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();

        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("child").get() == null);
    }

    @Test
    void aReferenceWhoseUidBelongsToAnotherObjectIsDangling() {
        String ns = newNamespace("gc-uid");
        ConfigMap real = configMap(ns, "real");
        // The uid of an existing ConfigMap under a kind and name that do not exist: no owner at all.
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("child")
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                        .withName("no-such-node").withUid(real.getMetadata().getUid()).build())
                .endMetadata().build()).create();

        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("child").get() == null);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("real").get()).isNotNull();
    }

    @Test
    void referencesTheCollectorCannotJudgeKeepTheirDependents() {
        String ns = newNamespace("gc-unjudged");
        ConfigMap owner = configMap(ns, "owner");
        String role = ns + "-role";
        // A cluster-scoped object naming a namespaced owner (which exists): invalid, so never collected.
        CLUSTER.client().rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata().withName(role).addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("ConfigMap").withName("owner").withUid(owner.getMetadata().getUid()).build())
                .endMetadata().build()).create();
        // An owner of a kind this server does not serve (an operator's custom resource): kept, as kube keeps it.
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("custom-owned").addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("example.com/v1")
                        .withKind("Foo").withName("bar").withUid("33333333-3333-3333-3333-333333333333").build())
                .endMetadata().build()).create();
        // The control: an owner of a served kind that does not exist, collected after the two above were seen.
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("dangling").addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("ConfigMap").withName("gone").withUid("44444444-4444-4444-4444-444444444444").build())
                .endMetadata().build()).create();

        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("dangling").get() == null);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                CLUSTER.client().configMaps().inNamespace(ns).withName("custom-owned").get() != null
                        && CLUSTER.client().rbac().clusterRoles().withName(role).get() != null);
        CLUSTER.client().rbac().clusterRoles().withName(role).delete();
    }

    @Test
    void aPodOfANodeThatStaysMissingIsDeletedAfterTheQuarantine() throws Exception {
        String ns = newNamespace("podgc");
        KubernetesClient client = CLUSTER.client();
        Pod orphan = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("orphan")
                .endMetadata().withNewSpec().withNodeName("no-such-node").addNewContainer().withName("c").withImage("c")
                .endContainer().endSpec().build()).create();
        SharedIndexInformer<Pod> pods = client.pods().inNamespace(ns).runnableInformer(0);
        SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
        try {
            pods.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            nodes.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            MutableClock clock = new MutableClock(Instant.now());
            PodGarbageCollector collector = new PodGarbageCollector(client, pods, nodes, clock);
            String key = Keys.of(orphan);

            assertThat(collector.concerns(orphan)).isTrue();
            assertThat(collector.reconcile(key)).isInstanceOf(Result.RequeueAfter.class);
            assertThat(client.pods().inNamespace(ns).withName("orphan").get()).isNotNull();

            List<Pod> seen = new CopyOnWriteArrayList<>();
            try (var watch = client.pods().inNamespace(ns).withName("orphan").watch(
                    new io.fabric8.kubernetes.client.Watcher<Pod>() {
                        @Override
                        public void eventReceived(Action action, Pod pod) {
                            seen.add(pod);
                        }

                        @Override
                        public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                        }
                    })) {
                clock.advance(PodGarbageCollector.QUARANTINE.plusSeconds(1));
                assertThat(collector.reconcile(key)).isInstanceOf(Result.Done.class);
                await().atMost(WAIT).until(() -> client.pods().inNamespace(ns).withName("orphan").get() == null);
                // Before it went: Failed, with the reason of its disruption.
                await().atMost(WAIT).untilAsserted(() -> assertThat(seen).anySatisfy(p -> {
                    assertThat(p.getStatus()).isNotNull();
                    assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
                    assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo("DisruptionTarget");
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getReason()).isEqualTo("DeletionByPodGC");
                        assertThat(c.getMessage()).isEqualTo("PodGC: node no longer exists");
                    });
                }));
            }
        } finally {
            pods.close();
            nodes.close();
        }
    }

    @Test
    void aPodOnAnExistingNodeIsNotTheCollectorsConcern() {
        Node node = CLUSTER.client().nodes().list().getItems().get(0);
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata().withNewSpec()
                .withNodeName(node.getMetadata().getName()).endSpec().build();
        SharedIndexInformer<Node> nodes = CLUSTER.client().nodes().runnableInformer(0);
        try {
            nodes.start().toCompletableFuture().join();
            assertThat(new PodGarbageCollector(CLUSTER.client(), null, nodes, Clock.systemUTC()).concerns(pod)).isFalse();
        } finally {
            nodes.close();
        }
    }

    @Test
    void orphanDeletionKeepsDependentsWithoutTheOwnerReference() {
        String ns = newNamespace("orphan");
        ConfigMap owner = configMap(ns, "owner");
        ownedConfigMap(ns, "child", owner);
        CLUSTER.client().configMaps().inNamespace(ns).withName("owner").withPropagationPolicy(DeletionPropagation.ORPHAN)
                .delete();

        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("owner").get() == null);
        ConfigMap child = CLUSTER.client().configMaps().inNamespace(ns).withName("child").get();
        assertThat(child).isNotNull();
        assertThat(child.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void foregroundDeletionRemovesDependentsBeforeTheOwner() {
        String ns = newNamespace("fg");
        ConfigMap owner = configMap(ns, "owner");
        ownedConfigMap(ns, "child", owner);
        CLUSTER.client().configMaps().inNamespace(ns).withName("owner").withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete();

        await().atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("owner").get() == null);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("child").get()).isNull();
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference reference(ConfigMap owner, boolean block) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withBlockOwnerDeletion(block ? true : null).build();
    }

    private ConfigMap dependent(String ns, String name, List<String> finalizers,
            io.fabric8.kubernetes.api.model.OwnerReference... owners) {
        return CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).withFinalizers(finalizers).withOwnerReferences(owners).endMetadata().build()).create();
    }

    private ConfigMap get(String ns, String name) {
        return CLUSTER.client().configMaps().inNamespace(ns).withName(name).get();
    }

    private void dropFinalizers(String ns, String name) {
        CLUSTER.client().configMaps().inNamespace(ns).withName(name)
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
    }

    @Test
    void aForegroundDeleteKeepsADependentThatHasAnotherOwner() {
        String ns = newNamespace("fg-shared");
        ConfigMap own1 = configMap(ns, "own1");
        ConfigMap own2 = configMap(ns, "own2");
        dependent(ns, "dep", List.of(), reference(own1, true), reference(own2, false));
        CLUSTER.client().configMaps().inNamespace(ns).withName("own1")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        await().atMost(WAIT).until(() -> get(ns, "own1") == null);
        ConfigMap dep = get(ns, "dep");
        assertThat(dep).isNotNull();
        assertThat(dep.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(dep.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly("own2");
    }

    @Test
    void anOwnershipCycleIsDeletedInTheForeground() {
        String ns = newNamespace("fg-cycle");
        ConfigMap a = configMap(ns, "a");
        ConfigMap b = dependent(ns, "b", List.of(), reference(a, true));
        CLUSTER.client().configMaps().inNamespace(ns).withName("a")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withOwnerReferences(reference(b, true)).endMetadata()
                        .build());
        CLUSTER.client().configMaps().inNamespace(ns).withName("a")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();

        await().atMost(WAIT).until(() -> get(ns, "a") == null && get(ns, "b") == null);
    }

    @Test
    void aForegroundOwnerWaitsOnlyForItsBlockingDependents() {
        String ns = newNamespace("fg-block");
        ConfigMap own3 = configMap(ns, "own3");
        dependent(ns, "dep3", List.of("example.com/hold"), reference(own3, false));
        dependent(ns, "dep3b", List.of("example.com/hold"), reference(own3, true));
        CLUSTER.client().configMaps().inNamespace(ns).withName("own3")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        try {
            // Both are deleted, as their own policy says (no dependents of theirs: in the background).
            await().atMost(WAIT).until(() -> get(ns, "dep3").getMetadata().getDeletionTimestamp() != null
                    && get(ns, "dep3b").getMetadata().getDeletionTimestamp() != null);
            assertThat(get(ns, "own3")).isNotNull();

            dropFinalizers(ns, "dep3b");
            await().atMost(WAIT).until(() -> get(ns, "own3") == null);
            assertThat(get(ns, "dep3")).isNotNull();
        } finally {
            dropFinalizers(ns, "dep3");
        }
    }

    @Test
    void aLeafDependentOfAForegroundDeleteIsDeletedInTheBackground() {
        String ns = newNamespace("fg-leaf");
        ConfigMap owner = configMap(ns, "owner");
        dependent(ns, "leaf", List.of("example.com/hold"), reference(owner, true));
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        try (var watch = CLUSTER.client().configMaps().inNamespace(ns).withName("leaf")
                .watch(new io.fabric8.kubernetes.client.Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        if (cm.getMetadata().getDeletionTimestamp() != null) {
                            seen.add(List.copyOf(cm.getMetadata().getFinalizers()));
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                    }
                })) {
            CLUSTER.client().configMaps().inNamespace(ns).withName("owner")
                    .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            await().atMost(WAIT).until(() -> !seen.isEmpty());
            dropFinalizers(ns, "leaf");
            await().atMost(WAIT).until(() -> get(ns, "owner") == null && get(ns, "leaf") == null);
        }
        // Every state of the leaf being deleted: never the foregroundDeletion finalizer.
        assertThat(seen).allSatisfy(finalizers -> assertThat(finalizers).doesNotContain("foregroundDeletion"));
    }

    @Test
    void aReferenceToAnOwnerInAnotherNamespaceIsReported() {
        String g1 = newNamespace("g1");
        String g2 = newNamespace("g2");
        ConfigMap other = configMap(g2, "other");
        dependent(g1, "misplaced", List.of(), reference(other, false));
        String role = g1 + "-role";
        CLUSTER.client().rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata().withName(role).addToOwnerReferences(reference(other, false)).endMetadata().build())
                .create();
        try {
            String uid = other.getMetadata().getUid();
            await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().v1().events().inNamespace(g1).list()
                    .getItems()).anySatisfy(e -> {
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("misplaced");
                        assertThat(e.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("OwnerRefInvalidNamespace");
                        assertThat(e.getMessage()).isEqualTo("ownerRef [v1/ConfigMap, namespace: " + g1
                                + ", name: other, uid: " + uid + "] does not exist in namespace \"" + g1 + "\"");
                        assertThat(e.getSource().getComponent()).isEqualTo("garbage-collector-controller");
                    }));
            await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().v1().events().inNamespace("default")
                    .list().getItems()).anySatisfy(e -> {
                        assertThat(e.getInvolvedObject().getName()).isEqualTo(role);
                        assertThat(e.getInvolvedObject().getKind()).isEqualTo("ClusterRole");
                        assertThat(e.getReason()).isEqualTo("OwnerRefInvalidNamespace");
                        assertThat(e.getMessage()).isEqualTo("ownerRef [v1/ConfigMap, namespace: , name: other, uid: "
                                + uid + "] does not exist in namespace \"\"");
                    }));
            // The namespaced dependent names an owner that does not exist where it lives: collected.
            await().atMost(WAIT).until(() -> get(g1, "misplaced") == null);
        } finally {
            CLUSTER.client().rbac().clusterRoles().withName(role).delete();
        }
    }

    @Test
    void theMetadataOnlyClientListsAndWatchesMetadataAlone() {
        String ns = newNamespace("meta");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("listed")
                .addToLabels("app", "x").endMetadata().addToData("secret-ish", "payload").build()).create();
        ResourceDefinitionContext configMaps = new ResourceDefinitionContext.Builder().withVersion("v1")
                .withKind("ConfigMap").withPlural("configmaps").withNamespaced(true).build();
        List<GenericKubernetesResource> events = new CopyOnWriteArrayList<>();
        try (KubernetesClient metadata = ApiClients.metadataOnly(CLUSTER.client());
                var informer = metadata.genericKubernetesResources(configMaps).inNamespace(ns)
                        .inform(EventHandlers.onChange(e -> {
                            if (!e.getMetadata().getName().equals("kube-root-ca.crt")) {
                                events.add(e);
                            }
                        }))) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("watched")
                    .endMetadata().addToData("k", "v").build()).create();

            await().atMost(WAIT).until(() -> events.size() >= 2);
            assertThat(events).extracting(e -> e.getMetadata().getName()).containsExactly("listed", "watched");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getKind()).isEqualTo("PartialObjectMetadata");
                assertThat(e.getApiVersion()).isEqualTo("meta.k8s.io/v1");
                assertThat(e.getMetadata().getUid()).isNotEmpty();
                assertThat(e.getAdditionalProperties()).doesNotContainKey("data");
            });
            assertThat(events.get(0).getMetadata().getLabels()).containsEntry("app", "x");
        }
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("listed").get().getData())
                .containsEntry("secret-ish", "payload");
    }
}
