package io.drover.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.storage.ObjectStorage;

/**
 * The "default" ServiceAccount the ServiceAccount controller makes in each namespace, for tests that run the
 * storage without controllers: the ServiceAccount admission refuses pods without it.
 */
public final class DefaultServiceAccounts {
    private DefaultServiceAccounts() {}

    public static void create(ObjectStorage storage, ResourceRegistry registry, String... namespaces) {
        for (String namespace : namespaces) {
            ObjectNode account = JsonNodeFactory.instance.objectNode();
            account.putObject("metadata").put("name", "default");
            storage.create(registry.find("", "v1", "serviceaccounts").orElseThrow(), namespace, account, false);
        }
    }
}
