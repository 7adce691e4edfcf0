package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;
import java.time.Clock;
import java.time.Instant;

/**
 * A GET that asked for a meta.k8s.io/v1 Table (what {@code kubectl get} asks for) and how to
 * render its answer, the rows of objects of one group and kind; bookmark events of a watch have no
 * rows and go out as they are.
 */
record TableView(TableConverter tables, String group, String kind, String apiVersion, boolean includeObject,
        Clock clock) implements ResponseView {

    /** The Table of a resource's own objects (its status subresource's too, as kube-apiserver's status stores). */
    static TableView of(TableConverter tables, ResourceType type, boolean includeObject, Clock clock) {
        return new TableView(tables, type.group(), type.kind(), type.apiVersion(), includeObject, clock);
    }

    /** The Table of a workload's scale subresource: autoscaling/v1 Scales (printScale). */
    static TableView ofScale(TableConverter tables, boolean includeObject, Clock clock) {
        return new TableView(tables, "autoscaling", "Scale", "autoscaling/v1", includeObject, clock);
    }

    @Override
    public ListForm listForm() {
        Instant now = clock.instant();
        return new ListForm(tables.tableHead(group, kind), "rows",
                item -> tables.row(group, kind, apiVersion, item, includeObject, now));
    }

    @Override
    public ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(kind)) {
            return object;
        }
        return tables.fromObject(group, kind, object, includeObject, clock.instant());
    }
}
