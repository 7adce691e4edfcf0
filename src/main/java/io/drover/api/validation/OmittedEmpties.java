package io.drover.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.util.HashSet;
import java.util.Set;

/**
 * Drops the empty values Kubernetes' typed decoding does not keep, where they decide a rollout or a diff: in pod
 * specs (everything below a PodSpec), object metadata, label selectors, and ConfigMaps' and Secrets' own fields, an
 * empty string, list or map, a null, and a zero metadata.generation are what Go's {@code omitempty} fields hold when
 * they are unset, so kube-apiserver stores none of them and compares such an object equal to one without them.
 *
 * <p>Before, they were stored as sent: a Deployment written with {@code env: [{name: X, value: ""}]} or
 * {@code workingDir: ""} and updated by a typed client (which leaves them out) changed its template, got a new
 * generation and a new ReplicaSet, and restarted its pods for a label; the same update of such a Pod was refused
 * as a spec change; and {@code kubectl create deployment} (protobuf, every zero on the wire) left
 * {@code generation: 0} in the template, so {@code rollout undo} to that revision made a new ReplicaSet.
 *
 * <p>Objects elsewhere keep their empty values: outside these types some strings are pointers in Go (an
 * EndpointSlice port's name), where empty and unset differ; inside them the few such strings are listed
 * ({@code EMPTY_STRING_KEPT}), and owner references and managedFields entries, which the server writes, are left
 * alone. Structs are never dropped ({@code emptyDir: {}} is a volume). A server-side apply's configuration keeps
 * its empty values (structured-merge-diff owns an applied {@code value: ""}); the merged object drops them.
 */
public final class OmittedEmpties {
    private static final String OBJECT_META = Meta.ObjectMeta.getDescriptor().getFullName();
    /** The message types whose empty values are dropped: what a PodSpec holds, metadata, selectors, configuration. */
    private static final Set<Descriptor> SCOPE = scope();
    /**
     * Fields in scope whose empty string is a value: pointers in Go ({@code *string}), where "" and unset differ
     * (an ephemeral volume's {@code storageClassName: ""} asks for no dynamic provisioning), and strings without
     * {@code omitempty}, which Go writes even when empty.
     */
    private static final Set<String> EMPTY_STRING_KEPT = Set.of(
            "k8s.io.api.core.v1.PersistentVolumeClaimSpec.storageClassName",
            "k8s.io.api.core.v1.PersistentVolumeClaimSpec.volumeAttributesClassName",
            "k8s.io.api.core.v1.PodSpec.runtimeClassName",
            "k8s.io.api.core.v1.SecurityContext.procMount",
            "k8s.io.api.core.v1.SeccompProfile.localhostProfile",
            "k8s.io.api.core.v1.AppArmorProfile.localhostProfile",
            "k8s.io.api.core.v1.VolumeMount.mountPropagation",
            "k8s.io.api.core.v1.HTTPHeader.value",
            "k8s.io.api.core.v1.Sysctl.value");
    private static final DescriptorWalk.Visitor VISITOR = new DescriptorWalk.Visitor() {
        @Override
        public JsonNode member(Descriptor owner, FieldDescriptor field, JsonNode value) {
            return SCOPE.contains(owner) && isEmpty(owner, field, value) ? null : value;
        }
    };

    private OmittedEmpties() {}

    /** Drops {@code object}'s empty values in place; a kind without a descriptor is left alone. */
    public static void drop(String apiVersion, String kind, JsonNode object) {
        DescriptorWalk.walk(apiVersion, kind, object, VISITOR);
    }

    private static boolean isEmpty(Descriptor owner, FieldDescriptor field, JsonNode value) {
        if (value.isNull()) {
            return true;
        }
        if (field.isMapField() || (field.isRepeated() && value.isArray())) {
            return value.isEmpty();
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.STRING) {
            return value.isTextual() && value.asText().isEmpty() && !EMPTY_STRING_KEPT.contains(field.getFullName());
        }
        // ObjectMeta.Generation is an omitempty int64 (a protobuf body always carries it).
        return owner.getFullName().equals(OBJECT_META) && field.getName().equals("generation")
                && value.isIntegralNumber() && value.asLong() == 0;
    }

    private static Set<Descriptor> scope() {
        Set<Descriptor> types = new HashSet<>();
        reach(V1.PodSpec.getDescriptor(), types);
        types.add(Meta.ObjectMeta.getDescriptor());
        types.add(Meta.LabelSelector.getDescriptor());
        types.add(Meta.LabelSelectorRequirement.getDescriptor());
        // Configuration is read back and diffed by tools (kubectl diff, GitOps); kube answers no `data: {}`.
        types.add(V1.ConfigMap.getDescriptor());
        types.add(V1.Secret.getDescriptor());
        return Set.copyOf(types);
    }

    private static void reach(Descriptor type, Set<Descriptor> types) {
        // The server writes owner references' and managedFields' entries itself; they are left as they are.
        if (!DescriptorWalk.isStruct(type) || type.equals(Meta.OwnerReference.getDescriptor())
                || type.equals(Meta.ManagedFieldsEntry.getDescriptor()) || !types.add(type)) {
            return;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                reach(field.getMessageType(), types);
            }
        }
    }
}
