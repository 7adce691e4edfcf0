package io.drover.api.storage;

import io.drover.api.resource.ResourceType;

/** The part of an object a write may change, by the subresource it goes through. */
public enum WritePart {
    /** The object itself: everything but its status, where it has a status subresource. */
    MAIN,
    /** The status subresource: the status only. */
    STATUS,
    /** A pod's ephemeralcontainers subresource: {@code spec.ephemeralContainers} only. */
    EPHEMERAL_CONTAINERS;

    /** The part a write through {@code subresource} (null for none) changes. */
    public static WritePart of(String subresource) {
        if (ResourceType.STATUS.equals(subresource)) {
            return STATUS;
        }
        return ResourceType.EPHEMERAL_CONTAINERS.equals(subresource) ? EPHEMERAL_CONTAINERS : MAIN;
    }
}
