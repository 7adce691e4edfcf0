package io.drover.api.strategy;

import io.drover.api.resource.ResourceType;

/** The strategy of each built-in kind, each with the metadata rules every kind follows. */
public final class Strategies {
    private Strategies() {}

    public static ResourceStrategy forType(ResourceType type) {
        return new WithObjectMeta(kind(type));
    }

    private static ResourceStrategy kind(ResourceType type) {
        return ResourceStrategy.NONE;
    }
}
