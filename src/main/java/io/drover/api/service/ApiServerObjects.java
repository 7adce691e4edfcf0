package io.drover.api.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import java.util.ArrayList;
import java.util.List;

/** Writes the objects of the {@code default} namespace that the API server keeps itself (its Service and endpoints). */
final class ApiServerObjects {
    static final String NAMESPACE = "default";

    private ApiServerObjects() {}

    /**
     * Creates the object, or makes the stored one's content (all but its metadata) what {@code wanted}
     * says. Unconditional: another server writing the same object meanwhile is a race to retry, not a
     * conflict.
     */
    static void upsert(ObjectStorage storage, ResourceType type, ObjectNode wanted) {
        String name = wanted.path("metadata").path("name").asText();
        try {
            storage.create(type, NAMESPACE, wanted.deepCopy(), false);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            storage.update(type, NAMESPACE, name, stored -> {
                stored.withObject("metadata").remove("resourceVersion");
                List<String> gone = new ArrayList<>();
                stored.fieldNames().forEachRemaining(f -> {
                    if (!f.equals("metadata") && !f.equals("apiVersion") && !f.equals("kind") && !wanted.has(f)) {
                        gone.add(f);
                    }
                });
                stored.remove(gone);
                wanted.properties().forEach(f -> {
                    if (!f.getKey().equals("metadata")) {
                        stored.set(f.getKey(), f.getValue());
                    }
                });
                return stored;
            }, false, false);
        }
    }
}
