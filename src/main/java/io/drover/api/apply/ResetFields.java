package io.drover.api.apply;

import io.drover.api.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields a write's strategy resets whatever the request says, which the field manager therefore neither gives
 * the writer nor takes from another manager: the strategies' GetResetFields, handed to structured-merge-diff as its
 * IgnoredFields. A write of an object with a status subresource resets its status (a create that carries one, as
 * {@code kubectl autoscale} does, would otherwise own it, and the controller's later apply of status would
 * conflict); a status write resets the spec, and for some kinds parts of the metadata.
 *
 * <p>drover's own status writes already keep all but the status ({@code WritePart.confine}), so what the status
 * entries list here changes nothing they could own; they are listed as Kubernetes lists them.
 */
public final class ResetFields {
    public static final ResetFields NONE = new ResetFields(FieldSet.EMPTY);

    private final FieldSet paths;

    private ResetFields(FieldSet paths) {
        this.paths = paths;
    }

    /**
     * What kube-apiserver's strategy for {@code type} resets on a write through {@code subresource} ("" for the
     * object itself).
     */
    public static ResetFields of(ResourceType type, String subresource) {
        if (!type.hasSubresource(ResourceType.STATUS)) {
            return NONE;
        }
        return switch (subresource) {
            // The main strategies', and namespaceFinalizeStrategy's.
            case "", ResourceType.FINALIZE -> of(List.of(FieldPath.of("status")));
            case ResourceType.STATUS -> of(statusWrite(type));
            default -> NONE; // scale and ephemeralcontainers are confined to their own fields
        };
    }

    private static List<FieldPath> statusWrite(ResourceType type) {
        List<FieldPath> reset = new ArrayList<>(List.of(FieldPath.of("spec")));
        String kind = type.group() + "/" + type.kind();
        switch (kind) {
            // podStatusStrategy: old kubelets corrupted owner references through status writes.
            case "/Pod" -> reset.addAll(List.of(FieldPath.of("metadata", "deletionTimestamp"),
                    FieldPath.of("metadata", "ownerReferences")));
            // deploymentStatusStrategy, replicaSetStatusStrategy.
            case "apps/Deployment", "apps/ReplicaSet" -> reset.add(FieldPath.of("metadata", "labels"));
            default -> { }
        }
        return reset;
    }

    private static ResetFields of(List<FieldPath> paths) {
        return new ResetFields(FieldSet.of(paths));
    }

    /** {@code fields} without the reset ones and what lies below them. */
    FieldSet removeFrom(FieldSet fields) {
        return fields.withoutAnyUnder(paths);
    }
}
