package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;
import io.drover.api.table.TableOptions;
import java.time.Clock;
import java.time.Instant;

/**
 * A GET that asked for a meta.k8s.io Table (what {@code kubectl get} asks for) and how to
 * render its answer, the rows of objects of one group and kind; bookmark events of a watch have no
 * rows and go out as they are.
 */
record TableView(TableConverter tables, String group, String kind, String apiVersion, TableOptions options,
        Clock clock) implements ResponseView {

    /** The Table of a resource's own objects (its status subresource's too, as kube-apiserver's status stores). */
    static TableView of(TableConverter tables, ResourceType type, TableOptions options, Clock clock) {
        return new TableView(tables, type.group(), type.kind(), type.apiVersion(), options, clock);
    }

    /** The Table of a workload's scale subresource: autoscaling/v1 Scales (printScale). */
    static TableView ofScale(TableConverter tables, TableOptions options, Clock clock) {
        return new TableView(tables, "autoscaling", "Scale", "autoscaling/v1", options, clock);
    }

    @Override
    public ListForm listForm() {
        Instant now = clock.instant();
        return new ListForm(tables.tableHead(group, kind, options), "rows",
                item -> tables.row(group, kind, apiVersion, item, options, now));
    }

    @Override
    public ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(kind)) {
            return object;
        }
        return tables.fromObject(group, kind, object, options, clock.instant());
    }
}
