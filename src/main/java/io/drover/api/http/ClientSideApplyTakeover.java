package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.apply.Conflict;
import io.drover.json.Mappers;
import java.io.IOException;
import java.util.List;

/**
 * The apiserver's path from client-side to server-side apply (its lastAppliedManager): the first
 * server-side apply of an object that {@code kubectl apply} made conflicts with the
 * client-side-apply manager on every field it changes. When each conflicting field is one the
 * object's last-applied configuration holds, the user is re-applying their own configuration, so
 * the apply takes those fields over instead of failing; kubectl then migrates the managed fields.
 */
final class ClientSideApplyTakeover {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static final ObjectMapper JSON = Mappers.json();

    private ClientSideApplyTakeover() {}

    static boolean allowed(JsonNode live, List<Conflict> conflicts) {
        String annotation = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (annotation.isEmpty() || conflicts.isEmpty()) {
            return false;
        }
        JsonNode lastApplied;
        try {
            lastApplied = JSON.readTree(annotation);
        } catch (IOException e) {
            return false;
        }
        for (Conflict c : conflicts) {
            if (!"Update".equals(c.operation()) || !holds(lastApplied, c.field())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the configuration has the field at a path such as {@code .data.a} (lists by prefix). */
    private static boolean holds(JsonNode config, String field) {
        JsonNode node = config;
        for (String part : field.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            int bracket = part.indexOf('[');
            node = node.get(bracket < 0 ? part : part.substring(0, bracket));
            if (node == null) {
                return false;
            }
            if (bracket >= 0) {
                return true;
            }
        }
        return true;
    }
}
