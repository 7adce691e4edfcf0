package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * v1 Namespaces: the finalizer "kubernetes" and phase Active of a new namespace, and the label
 * kubernetes.io/metadata.name that Kubernetes keeps equal to the name.
 */
final class NamespaceStrategy extends KindStrategy {

    @Override
    public void applyDefaults(ObjectNode namespace) {
        String name = namespace.path("metadata").path("name").asText("");
        if (!name.isEmpty()) {
            Nodes.objectOrNew(Nodes.objectOrNew(namespace, "metadata"), "labels")
                    .put("kubernetes.io/metadata.name", name);
        }
        Nodes.defaultText(Nodes.objectOrNew(namespace, "status"), "phase", "Active");
    }

    @Override
    public void applyCreateDefaults(ObjectNode namespace) {
        ObjectNode spec = Nodes.objectOrNew(namespace, "spec");
        if (!spec.has("finalizers")) {
            spec.putArray("finalizers").add("kubernetes");
        }
    }
}
