package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;

/** The part of an object a write may change, by the subresource it goes through. */
public enum WritePart {
    /** The object itself: everything but its status, where it has a status subresource. */
    MAIN(""),
    /** The status subresource: the status only. */
    STATUS(ResourceType.STATUS),
    /** A pod's ephemeralcontainers subresource: {@code spec.ephemeralContainers} only. */
    EPHEMERAL_CONTAINERS(ResourceType.EPHEMERAL_CONTAINERS),
    /**
     * A workload's scale subresource: {@code spec.replicas} only. Stored as a write of the object (it is a spec
     * change); its own part for the managedFields entry it records ({@code subresource: scale}).
     */
    SCALE(ResourceType.SCALE),
    /**
     * A namespace's finalize subresource (how a stuck namespace is released): the namespace as sent, spec.finalizers
     * included, but its status, as namespaceFinalizeStrategy.PrepareForUpdate resets only that.
     */
    FINALIZE(ResourceType.FINALIZE);

    private final String subresource;

    WritePart(String subresource) {
        this.subresource = subresource;
    }

    /** The part a write through {@code subresource} (null for none) changes. */
    public static WritePart of(String subresource) {
        if (subresource == null) {
            return MAIN;
        }
        return switch (subresource) {
            case ResourceType.STATUS -> STATUS;
            case ResourceType.EPHEMERAL_CONTAINERS -> EPHEMERAL_CONTAINERS;
            case ResourceType.SCALE -> SCALE;
            case ResourceType.FINALIZE -> FINALIZE;
            default -> MAIN;
        };
    }

    /** Whether the store takes the write as one of the object itself (its rules, its generation): not status. */
    public boolean writesObject() {
        return this == MAIN || this == SCALE || this == FINALIZE;
    }

    /** The subresource a managedFields entry names for a write of this part: "" for the object itself. */
    public String subresource() {
        return subresource;
    }

    /**
     * What a write of this part makes of {@code current}: {@code desired} itself for the object and for
     * finalize; for another subresource, {@code current} with that part taken from {@code desired}, and its resourceVersion (a
     * precondition), as Kubernetes' subresource strategies reset everything else (the request's
     * managedFields too). Neither argument is modified.
     */
    public ObjectNode confine(ObjectNode current, ObjectNode desired) {
        if (this == MAIN || this == FINALIZE) {
            return desired; // the store keeps the status of a kind with a status subresource
        }
        ObjectNode next = current.deepCopy();
        switch (this) {
            case STATUS -> copy(desired, next, "status");
            case SCALE -> copy(desired.path("spec"), next.withObject("spec"), "replicas");
            default -> copy(desired.path("spec"), next.withObject("spec"), "ephemeralContainers");
        }
        // Its uid is a precondition too, as a PUT body's is (the store checks it).
        JsonNode uid = desired.path("metadata").get("uid");
        if (uid != null && uid.isTextual() && !uid.asText().isEmpty()) {
            next.withObject("metadata").set("uid", uid);
        }
        JsonNode version = desired.path("metadata").get("resourceVersion");
        if (version != null) {
            next.withObject("metadata").set("resourceVersion", version);
        } else {
            next.withObject("metadata").remove("resourceVersion");
        }
        return next;
    }

    /** Sets {@code to}'s field to {@code from}'s, or removes it where {@code from} has none. */
    static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null || value.isNull()) {
            to.remove(field);
        } else {
            to.set(field, value);
        }
    }
}
