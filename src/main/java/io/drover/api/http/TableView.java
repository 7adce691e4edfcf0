package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;
import java.time.Clock;

/**
 * A GET that asked for a meta.k8s.io/v1 Table (what {@code kubectl get} asks for) and how to
 * render its answer; bookmark events of a watch have no rows and go out as they are.
 */
record TableView(TableConverter tables, ResourceType type, boolean includeObject, Clock clock) {

    /** The view the request asked for, or null for plain objects. */
    static TableView of(ApiRequest request, ResourcePath path, TableConverter tables, Clock clock) {
        if (path.subresource() != null || !TableConverter.wantsTable(request.header("accept"))) {
            return null;
        }
        return new TableView(tables, path.type(), "Object".equals(request.param("includeObject")), clock);
    }

    ObjectNode ofList(ObjectNode list) {
        return tables.fromList(type.group(), type.kind(), list, includeObject, clock.instant());
    }

    ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(type.kind())) {
            return object;
        }
        return tables.fromObject(type.group(), type.kind(), object, includeObject, clock.instant());
    }
}
