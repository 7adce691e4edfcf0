package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;
import java.time.Clock;
import java.time.Instant;

/**
 * A GET that asked for a meta.k8s.io/v1 Table (what {@code kubectl get} asks for) and how to
 * render its answer; bookmark events of a watch have no rows and go out as they are.
 */
record TableView(TableConverter tables, ResourceType type, boolean includeObject, Clock clock)
        implements ResponseView {

    @Override
    public ListForm listForm() {
        Instant now = clock.instant();
        return new ListForm(tables.tableHead(type.group(), type.kind()), "rows",
                item -> tables.row(type.group(), type.kind(), type.apiVersion(), item, includeObject, now));
    }

    @Override
    public ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(type.kind())) {
            return object;
        }
        return tables.fromObject(type.group(), type.kind(), object, includeObject, clock.instant());
    }
}
