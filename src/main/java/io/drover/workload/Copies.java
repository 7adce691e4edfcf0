package io.drover.workload;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Deep copies of API objects: informer cache objects are shared and must never be mutated. */
final class Copies {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Copies() {}

    static <T> T of(T object) {
        return SERIALIZATION.clone(object);
    }
}
