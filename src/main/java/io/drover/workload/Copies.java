package io.drover.workload;

import io.drover.controller.ApiClients;

/** Deep copies of API objects: informer cache objects are shared and must never be mutated. */
final class Copies {
    private Copies() {}

    static <T> T of(T object) {
        return ApiClients.serialization().clone(object);
    }
}
