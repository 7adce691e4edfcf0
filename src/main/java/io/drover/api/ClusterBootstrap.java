package io.drover.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.strategy.SystemPriorityClasses;
import io.drover.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeSet;

/**
 * The objects every cluster starts with, as Kubernetes has them: the namespaces default,
 * kube-system, kube-public and kube-node-lease, the RuntimeClass "process" that selects drover's
 * host-process runtime, the system PriorityClasses system-node-critical and system-cluster-critical,
 * and the default ClusterRoles and ClusterRoleBindings ({@code
 * bootstrap-rbac.yaml}). Creating what already exists is skipped, so this runs on every start and
 * leaves what a user changed alone.
 */
public final class ClusterBootstrap {
    private static final String RBAC_API_VERSION = "rbac.authorization.k8s.io/v1";
    static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private ClusterBootstrap() {}

    public static void run(ObjectStorage storage, ResourceRegistry registry, ObjectMapper json) {
        ResourceType namespaces = registry.find("", "v1", "namespaces").orElseThrow();
        for (String name : NAMESPACES) {
            ObjectNode ns = json.createObjectNode();
            ns.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/metadata.name", name);
            ns.putObject("spec").putArray("finalizers").add("kubernetes");
            ns.putObject("status").put("phase", "Active");
            createIfMissing(storage, namespaces, null, ns);
        }
        ResourceType runtimeClasses = registry.find("node.k8s.io", "v1", "runtimeclasses").orElseThrow();
        ObjectNode process = json.createObjectNode();
        process.putObject("metadata").put("name", "process");
        process.put("handler", "process");
        createIfMissing(storage, runtimeClasses, null, process);
        ResourceType priorityClasses = registry.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
        for (String name : new TreeSet<>(SystemPriorityClasses.VALUES.keySet())) {
            createIfMissing(storage, priorityClasses, null, priorityClass(json, name,
                    SystemPriorityClasses.VALUES.get(name), SystemPriorityClasses.DESCRIPTIONS.get(name)));
        }
        for (JsonNode item : bootstrapRbac()) {
            ObjectNode object = (ObjectNode) item;
            String kind = object.path("kind").asText();
            ResourceType type = registry.findKind(RBAC_API_VERSION, kind).orElseThrow();
            object.put("apiVersion", RBAC_API_VERSION);
            ObjectNode metadata = (ObjectNode) object.path("metadata");
            metadata.withObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
            metadata.withObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
            createIfMissing(storage, type, null, object);
        }
    }

    private static ObjectNode priorityClass(ObjectMapper json, String name, long value, String description) {
        ObjectNode pc = json.createObjectNode();
        pc.putObject("metadata").put("name", name);
        pc.put("value", value);
        pc.put("description", description);
        return pc;
    }

    private static JsonNode bootstrapRbac() {
        try (InputStream in = ClusterBootstrap.class.getResourceAsStream("bootstrap-rbac.yaml")) {
            if (in == null) {
                throw new IllegalStateException("bootstrap-rbac.yaml is missing from the class path");
            }
            return Mappers.yaml().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bootstrap-rbac.yaml", e);
        }
    }

    private static void createIfMissing(ObjectStorage storage, ResourceType type, String namespace, ObjectNode object) {
        try {
            storage.create(type, namespace, object, false);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }
}
