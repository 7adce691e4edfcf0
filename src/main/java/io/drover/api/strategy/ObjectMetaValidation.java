package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException.Cause;
import io.drover.api.resource.GroupVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Kubernetes' checks of an object's metadata that every kind shares (apimachinery's
 * {@code ValidateObjectMetaAccessor}): labels, annotations, owner references and finalizers. Names are checked by
 * the storage layer.
 */
final class ObjectMetaValidation {
    static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");

    private ObjectMetaValidation() {}

    /** The problems of {@code metadata}, whose path is {@code path} ("metadata" or "spec.template.metadata"). */
    static List<Cause> validate(JsonNode metadata, String path) {
        List<Cause> causes = new ArrayList<>();
        if (metadata == null) {
            return causes;
        }
        causes.addAll(labels(metadata.get("labels"), path + ".labels"));
        causes.addAll(annotations(metadata.get("annotations"), path + ".annotations"));
        causes.addAll(ownerReferences(metadata.get("ownerReferences"), path + ".ownerReferences"));
        causes.addAll(finalizers(metadata.get("finalizers"), path + ".finalizers"));
        JsonNode finalizers = metadata.path("finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            causes.addAll(kubeFinalizerName(finalizers.get(i).asText(), path + ".finalizers[" + i + "]"));
        }
        return causes;
    }

    /**
     * Kubernetes' validateKubeFinalizerName: a finalizer without a '/' is one of Kubernetes' own, which a
     * controller handles; any other has a domain, so that someone's controller owns it. A namespace held by a
     * finalizer nothing removes stays Terminating for ever.
     */
    static List<Cause> kubeFinalizerName(String name, String field) {
        if (name.contains("/") || STANDARD_FINALIZERS.contains(name)) {
            return List.of();
        }
        return List.of(Causes.invalid(field, GoValues.quote(name),
                "name is neither a standard finalizer name nor is it fully qualified"));
    }

    /** Labels, or any string map validated as labels (a selector's matchLabels, a Service's selector). */
    static List<Cause> labels(JsonNode labels, String field) {
        List<Cause> causes = new ArrayList<>();
        if (labels == null || !labels.isObject()) {
            return causes;
        }
        labels.properties().forEach(e -> {
            for (String msg : NameRules.qualifiedName(e.getKey())) {
                causes.add(Causes.invalid(field, GoValues.quote(e.getKey()), msg));
            }
            String value = e.getValue().asText();
            for (String msg : NameRules.labelValue(value)) {
                causes.add(Causes.invalid(field, GoValues.quote(value), msg));
            }
        });
        return causes;
    }

    static List<Cause> annotations(JsonNode annotations, String field) {
        List<Cause> causes = new ArrayList<>();
        if (annotations == null || !annotations.isObject()) {
            return causes;
        }
        long total = 0;
        for (var e : annotations.properties()) {
            // The rule is a qualified name except that case doesn't matter.
            for (String msg : NameRules.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
                causes.add(Causes.invalid(field, GoValues.quote(e.getKey()), msg));
            }
            total += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            causes.add(Causes.tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
        }
        return causes;
    }

    static List<Cause> ownerReferences(JsonNode refs, String field) {
        List<Cause> causes = new ArrayList<>();
        if (refs == null || !refs.isArray()) {
            return causes;
        }
        String firstController = "";
        for (JsonNode ref : refs) {
            String apiVersion = Nodes.text(ref, "apiVersion");
            // schema.FromAPIVersionAndKind: an apiVersion with more than one "/" is no group and no version.
            GroupVersion version = GroupVersion.parseOrEmpty(apiVersion);
            if (version.version().isEmpty()) {
                causes.add(Causes.invalid(field + ".apiVersion", GoValues.quote(apiVersion),
                        "version must not be empty"));
            }
            for (String child : List.of("kind", "name", "uid")) {
                if (Nodes.text(ref, child).isEmpty()) {
                    causes.add(Causes.invalid(field + "." + child, "\"\"", "must not be empty"));
                }
            }
            // BannedOwners, on the parsed group and version: "v1" and "/v1" are both the core group's v1.
            if (Nodes.text(ref, "kind").equals("Event") && version.equals(new GroupVersion("", "v1"))) {
                causes.add(Causes.invalid(field, ref.toString(), "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (Nodes.isTrue(ref, "controller")) {
                String current = Nodes.text(ref, "kind") + "/" + Nodes.text(ref, "name");
                if (!firstController.isEmpty()) {
                    causes.add(Causes.invalid(field, refs.toString(), "Only one reference can have Controller set to "
                            + "true. Found \"true\" in references for " + firstController + " and " + current));
                } else {
                    firstController = current;
                }
            }
        }
        return causes;
    }

    static List<Cause> finalizers(JsonNode finalizers, String field) {
        List<Cause> causes = new ArrayList<>();
        if (finalizers == null || !finalizers.isArray()) {
            return causes;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode f : finalizers) {
            String name = f.asText();
            names.add(name);
            for (String msg : NameRules.qualifiedName(name)) {
                causes.add(Causes.invalid(field, GoValues.quote(name), msg));
            }
        }
        if (names.contains("orphan") && names.contains("foregroundDeletion")) {
            causes.add(Causes.invalid(field, GoValues.stringSlice(finalizers),
                    "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        return causes;
    }

    /** Kubernetes' {@code ValidateNoNewFinalizers}: nothing may add a finalizer to an object being deleted. */
    static List<Cause> noNewFinalizers(JsonNode oldMetadata, JsonNode newMetadata) {
        if (oldMetadata == null || !oldMetadata.hasNonNull("deletionTimestamp")) {
            return List.of();
        }
        Set<String> extra = new java.util.TreeSet<>();
        newMetadata.path("finalizers").forEach(f -> extra.add(f.asText()));
        oldMetadata.path("finalizers").forEach(f -> extra.remove(f.asText()));
        if (extra.isEmpty()) {
            return List.of();
        }
        return List.of(Causes.forbidden("metadata.finalizers", "no new finalizers can be added if the object is "
                + "being deleted, found new finalizers " + GoValues.stringSlice(List.copyOf(extra))));
    }
}
