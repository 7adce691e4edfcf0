package io.drover.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import java.util.List;

/**
 * The objects every cluster starts with, as Kubernetes has them: the namespaces default,
 * kube-system, kube-public and kube-node-lease, and the RuntimeClass "process" that selects
 * drover's host-process runtime. Creating what already exists is skipped, so this runs on every
 * start.
 */
public final class ClusterBootstrap {
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
