package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * v1 Namespaces: the finalizer "kubernetes" and phase Active of a new namespace, the label
 * kubernetes.io/metadata.name that Kubernetes keeps equal to the name, and a status phase that says whether the
 * namespace is being deleted.
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

    /** spec.finalizers as Kubernetes' ValidateNamespace checks them (reported on the list, not the item). */
    @Override
    public List<Cause> validateCreate(ObjectNode namespace) {
        return finalizerNames(namespace, false);
    }

    /**
     * spec.finalizers as ValidateNamespaceFinalizeUpdate checks them, each at its index ({@code spec.finalizers[1]}):
     * only the finalize subresource changes them, an update of the namespace keeps the stored ones.
     */
    @Override
    List<Cause> validateUpdated(ObjectNode namespace) {
        return finalizerNames(namespace, true);
    }

    private static List<Cause> finalizerNames(ObjectNode namespace, boolean indexed) {
        List<Cause> causes = new ArrayList<>();
        int i = 0;
        for (JsonNode finalizer : namespace.path("spec").path("finalizers")) {
            String name = finalizer.asText();
            String field = indexed ? "spec.finalizers[" + i + "]" : "spec.finalizers";
            causes.addAll(Causes.invalidEach(field, name, NameRules.qualifiedName(name)));
            causes.addAll(ObjectMetaValidation.kubeFinalizerName(name, field));
            i++;
        }
        return causes;
    }

    /** ValidateNamespaceStatusUpdate: the phase is Terminating exactly while the namespace is being deleted. */
    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldNamespace, ObjectNode namespace) {
        String phase = Nodes.text(namespace.path("status"), "phase");
        boolean deleting = namespace.path("metadata").hasNonNull("deletionTimestamp");
        if (phase.equals(deleting ? "Terminating" : "Active")) {
            return List.of();
        }
        // Kubernetes' path has a capital P.
        return List.of(Causes.invalid("status.Phase", GoValues.quote(phase), deleting
                ? "may only be 'Terminating' if `deletionTimestamp` is not empty"
                : "may only be 'Active' if `deletionTimestamp` is empty"));
    }

    /** namespaceStrategy.PrepareForUpdate: spec.finalizers are the finalize subresource's. */
    @Override
    public void keepOnUpdate(ObjectNode stored, ObjectNode next) {
        JsonNode finalizers = stored.path("spec").get("finalizers");
        if (finalizers == null) {
            Nodes.objectOrNew(next, "spec").remove("finalizers");
        } else {
            Nodes.objectOrNew(next, "spec").set("finalizers", finalizers.deepCopy());
        }
    }

    /**
     * namespaceStrategy.PrepareForCreate: a new namespace is Active whatever status was sent, and it has the
     * "kubernetes" finalizer, added to the client's own (the namespace controller releases it once the
     * namespace is empty; it is not a default, since it must not come back once released).
     */
    @Override
    public void applyCreateDefaults(ObjectNode namespace) {
        namespace.putObject("status").put("phase", "Active");
        ObjectNode spec = Nodes.objectOrNew(namespace, "spec");
        ArrayNode finalizers = spec.get("finalizers") instanceof ArrayNode sent ? sent : spec.putArray("finalizers");
        for (JsonNode finalizer : finalizers) {
            if (finalizer.asText().equals("kubernetes")) {
                return;
            }
        }
        finalizers.add("kubernetes");
    }
}
