package io.drover.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Work-queue keys: "namespace/name" for namespaced objects, "name" otherwise. */
public final class Keys {
    private Keys() {}

    public static String of(HasMetadata object) {
        String ns = object.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? object.getMetadata().getName() : ns + "/" + object.getMetadata().getName();
    }

    public static String namespace(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? null : key.substring(0, slash);
    }

    public static String name(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
