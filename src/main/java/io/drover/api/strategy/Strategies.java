package io.drover.api.strategy;

import io.drover.api.resource.ResourceType;

/** The strategy of each built-in kind. */
public final class Strategies {
    private Strategies() {}

    public static ResourceStrategy forType(ResourceType type) {
        return ResourceStrategy.NONE;
    }
}
