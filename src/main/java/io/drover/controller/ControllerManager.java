package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.scheduler.SchedulerController;
import io.drover.service.ServiceControllers;
import io.drover.workload.DisruptionControllers;
import io.drover.workload.WorkloadControllers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the built-in controllers (namespace lifecycle, system namespaces kept, default service accounts and their token
 * Secrets, the root CA ConfigMap of each namespace, ClusterRole
 * aggregation, garbage collection of objects and of orphaned pods, node lifecycle with taint eviction, ReplicaSets and Deployments, PodDisruptionBudgets, Service endpoints/slices/load balancers, the scheduler) on informers over one API client, and stops them. Every read and write goes through
 * the API server.
 */
public final class ControllerManager implements AutoCloseable {
    private final KubernetesClient client;
    /** The garbage collector's informers' client: it judges owners by metadata alone. */
    private final KubernetesClient metadataClient;
    /** The scheduler's client: the same server and token, its writes recorded as kube-scheduler's. */
    private final KubernetesClient schedulerClient;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<Controller> controllers = new ArrayList<>();

    private ControllerManager(KubernetesClient client) {
        this.client = client;
        this.metadataClient = ApiClients.metadataOnly(client);
        this.schedulerClient = ApiClients.as(client, ApiClients.Component.SCHEDULER);
    }

    public static ControllerManager start(KubernetesClient client, ResourceRegistry registry, TokenSigning signing)
            throws Exception {
        ControllerManager manager = new ControllerManager(client);
        try {
            manager.startAll(registry, signing);
        } catch (Exception | Error e) {
            manager.close();
            throw e;
        }
        return manager;
    }

    private void startAll(ResourceRegistry registry, TokenSigning signing) throws Exception {
        SharedIndexInformer<Namespace> namespaces = Informers.keepWatching(client.namespaces().runnableInformer(0));
        informers.add(namespaces);
        Controller namespaceController = controller("namespace-controller",
                new NamespaceController(client, namespaces, registry, Clock.systemUTC()));
        Controller serviceAccounts = controller("serviceaccount-controller",
                new ServiceAccountController(client, namespaces));
        // Only the published copies of the CA bundle, not every ConfigMap in the cluster.
        SharedIndexInformer<ConfigMap> rootCaConfigMaps = Informers.keepWatching(client.configMaps().inAnyNamespace()
                .withField("metadata.name", RootCaPublisher.NAME).runnableInformer(0));
        informers.add(rootCaConfigMaps);
        Controller rootCaPublisher = controller("root-ca-cert-publisher",
                new RootCaPublisher(client, namespaces, rootCaConfigMaps, signing.caCertificatePem()));
        rootCaConfigMaps.addEventHandler(EventHandlers.onChange(cm -> rootCaPublisher.enqueue(cm.getMetadata().getNamespace())));
        namespaces.addEventHandler(EventHandlers.onChange(ns -> {
            namespaceController.enqueue(ns.getMetadata().getName());
            serviceAccounts.enqueue(ns.getMetadata().getName());
            rootCaPublisher.enqueue(ns.getMetadata().getName());
        }));
        Controller systemNamespaces = controller("system-namespaces-controller",
                new SystemNamespaceController(client, namespaces));
        // Each name comes back every minute by itself; a deletion brings it at once.
        SystemNamespaceController.NAMESPACES.forEach(systemNamespaces::enqueue);
        namespaces.addEventHandler(EventHandlers.onChange(ns -> { }, ns -> {
            if (SystemNamespaceController.keeps(ns.getMetadata().getName())) {
                systemNamespaces.enqueue(ns.getMetadata().getName());
            }
        }));
        SharedIndexInformer<ServiceAccount> accounts = Informers.keepWatching(client.serviceAccounts().inAnyNamespace().runnableInformer(0));
        informers.add(accounts);
        accounts.addEventHandler(EventHandlers.onChange(sa -> {
            if (ServiceAccountController.DEFAULT.equals(sa.getMetadata().getName())) {
                serviceAccounts.enqueue(sa.getMetadata().getNamespace());
            }
        }));
        // Only the token Secrets: the controller has no business with (or memory for) every other Secret.
        SharedIndexInformer<Secret> tokenSecrets = Informers.keepWatching(client.secrets().inAnyNamespace()
                .withField("type", ServiceAccountTokenController.TYPE).runnableInformer(0));
        informers.add(tokenSecrets);
        ServiceAccountTokenController tokens = new ServiceAccountTokenController(client, tokenSecrets, signing);
        Controller tokensController = controller("serviceaccount-token-controller", tokens);
        tokenSecrets.addEventHandler(EventHandlers.enqueue(tokensController));
        accounts.addEventHandler(EventHandlers.onChange(sa -> tokens.secretsOf(sa).forEach(tokensController::enqueue)));

        SharedIndexInformer<ClusterRole> clusterRoles = Informers.keepWatching(client.rbac().clusterRoles().runnableInformer(0));
        informers.add(clusterRoles);
        ClusterRoleAggregator aggregator = new ClusterRoleAggregator(client, clusterRoles);
        Controller aggregation = controller("clusterrole-aggregation-controller", aggregator);
        clusterRoles.addEventHandler(EventHandlers.onChange(role -> aggregator.aggregatedRoles()
                .forEach(aggregation::enqueue)));

        SharedIndexInformer<Pod> pods = Informers.keepWatching(client.pods().inAnyNamespace().runnableInformer(0));
        SharedIndexInformer<ReplicaSet> replicaSets = Informers.keepWatching(client.apps().replicaSets().inAnyNamespace().runnableInformer(0));
        SharedIndexInformer<Deployment> deployments = Informers.keepWatching(client.apps().deployments().inAnyNamespace().runnableInformer(0));
        informers.addAll(List.of(pods, replicaSets, deployments));
        WorkloadControllers.register(client, pods, replicaSets, deployments, this::controller);
        informers.add(DisruptionControllers.register(client, pods, replicaSets, deployments, this::controller));
        informers.addAll(ServiceControllers.register(client, pods, this::controller));

        SharedIndexInformer<Node> nodes = Informers.keepWatching(client.nodes().runnableInformer(0));
        informers.add(nodes);
        PodGarbageCollector podGc = new PodGarbageCollector(client, pods, nodes, Clock.systemUTC());
        Controller podGarbageCollector = controller("pod-garbage-collector", podGc);
        pods.addEventHandler(EventHandlers.onChange(pod -> {
            if (podGc.concerns(pod)) {
                podGarbageCollector.enqueue(Keys.of(pod));
            }
        }));
        nodes.addEventHandler(EventHandlers.onChange(podGc::nodeSeen, node -> {
            podGc.nodeDeleted(node);
            pods.getStore().list().stream()
                    .filter(pod -> pod.getSpec() != null && node.getMetadata().getName().equals(pod.getSpec().getNodeName()))
                    .forEach(pod -> podGarbageCollector.enqueue(Keys.of(pod)));
        }));

        SharedIndexInformer<Lease> nodeLeases = Informers.keepWatching(client.resources(Lease.class)
                .inNamespace("kube-node-lease").runnableInformer(0));
        informers.add(nodeLeases);
        Controller nodeLifecycle = controller("node-lifecycle-controller",
                new NodeLifecycleController(client, nodes, nodeLeases, pods, Clock.systemUTC()));
        nodes.addEventHandler(EventHandlers.onChange(node -> nodeLifecycle.enqueue(node.getMetadata().getName())));
        nodeLeases.addEventHandler(EventHandlers.onChange(lease -> nodeLifecycle.enqueue(lease.getMetadata().getName())));
        Controller taintEviction = controller(TaintEvictionController.COMPONENT,
                new TaintEvictionController(client, nodes, pods, Clock.systemUTC()));
        nodes.addEventHandler(TaintEvictionController.nodeChanges(taintEviction));
        pods.addEventHandler(TaintEvictionController.podChanges(taintEviction));

        OwnerGraph graph = new OwnerGraph();
        GarbageCollector collector = new GarbageCollector(client, graph, registry, Clock.systemUTC());
        Controller gc = controller("garbage-collector", collector);
        for (ResourceType type : oneVersionPerResource(registry)) {
            SharedIndexInformer<GenericKubernetesResource> informer = Informers.keepWatching(metadataClient
                    .genericKubernetesResources(ApiClients.context(type)).inAnyNamespace().runnableInformer(0));
            // The collector looks objects up by key and uid only; fabric8's namespace index would
            // keep one more hash entry per object in the cluster, and dirty one more old-gen card
            // for G1 to scan at each young pause per object created.
            informer.itemStore(new MetadataOnlyStore(type.apiVersion(), type.kind())).removeNamespaceIndex();
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource obj) {
                    changed(graph.upsert(type, obj));
                }

                @Override
                public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                    changed(graph.upsert(type, newObj));
                }

                private void changed(OwnerGraph.Changes changes) {
                    changes.affected().forEach(gc::enqueue);
                    changes.invalidNamespaces().forEach(collector::reportInvalidNamespace);
                }

                @Override
                public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
                    graph.remove(obj).forEach(gc::enqueue);
                }
            });
            informers.add(informer);
        }
        controllers.add(SchedulerController.create(schedulerClient, pods, namespaces, informers));
        for (SharedIndexInformer<?> informer : informers) {
            informer.start();
        }
        // Act only on a complete picture: an owner not yet listed is not a missing owner.
        for (SharedIndexInformer<?> informer : informers) {
            informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        controllers.forEach(c -> c.start(2));
    }

    private Controller controller(String name, Reconciler reconciler) {
        Controller c = new Controller(name, reconciler);
        controllers.add(c);
        return c;
    }

    private static List<ResourceType> oneVersionPerResource(ResourceRegistry registry) {
        Map<String, ResourceType> byStorage = new LinkedHashMap<>();
        registry.all().forEach(t -> byStorage.putIfAbsent(t.storageResource(), t));
        return new ArrayList<>(byStorage.values());
    }


    @Override
    public void close() {
        controllers.forEach(Controller::close);
        informers.forEach(SharedIndexInformer::close);
        metadataClient.close();
        schedulerClient.close();
        client.close();
    }
}
