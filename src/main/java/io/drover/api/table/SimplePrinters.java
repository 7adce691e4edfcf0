package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.function.BiConsumer;

/**
 * Kinds whose row is the name, one or two fields and the age: ConfigMap, Secret, ServiceAccount,
 * Namespace, Lease, RuntimeClass, Scale. Each is a column list plus a function per middle cell.
 */
final class SimplePrinters {

    private SimplePrinters() {}

    /** Name, Data (number of keys in data and binaryData), Age. */
    static Printer configMap() {
        return new NameFieldsAge(
                List.of(Column.string("Data", "Data contains the configuration data.")),
                List.of((cm, cells) -> cells.add((long) cm.path("data").size() + cm.path("binaryData").size())));
    }

    /** Name, Type, Data (number of keys), Age. */
    static Printer secret() {
        return new NameFieldsAge(
                List.of(Column.string("Type", "Used to facilitate programmatic handling of secret data."),
                        Column.string("Data", "Data contains the secret data.")),
                List.of((s, cells) -> cells.add(Fields.text(s, "type")),
                        (s, cells) -> cells.add((long) s.path("data").size())));
    }

    /** Name, Secrets (number of referenced secrets), Age. */
    static Printer serviceAccount() {
        return new NameFieldsAge(
                List.of(Column.string("Secrets", "Secrets is a list of the secrets in the same namespace that"
                        + " pods running using this ServiceAccount are allowed to use.")),
                List.of((sa, cells) -> cells.add((long) sa.path("secrets").size())));
    }

    /** Name, Status (the phase: Active or Terminating), Age. */
    static Printer namespace() {
        return new NameFieldsAge(
                List.of(Column.string("Status", "The status of the namespace")),
                List.of((ns, cells) -> cells.add(Fields.text(ns, "status", "phase"))));
    }

    /** Name, Holder (spec.holderIdentity, "" when free), Age. */
    static Printer lease() {
        return new NameFieldsAge(
                List.of(Column.string("Holder", "holderIdentity contains the identity of the holder of a current"
                        + " lease.")),
                List.of((l, cells) -> cells.add(Fields.text(l, "spec", "holderIdentity"))));
    }

    /** Name, Handler, Age. */
    static Printer runtimeClass() {
        return new NameFieldsAge(
                List.of(Column.string("Handler", "handler specifies the underlying runtime and configuration that"
                        + " the CRI implementation will use to handle pods of this class.")),
                List.of((rc, cells) -> cells.add(Fields.text(rc, "handler"))));
    }

    /** An autoscaling/v1 Scale (a workload's scale subresource): Name, Desired, Available, Age (printScale). */
    static Printer scale() {
        return new NameFieldsAge(
                List.of(Column.integer("Desired", "replicas is the desired number of instances for the scaled "
                                + "object."),
                        Column.integer("Available", "replicas is the actual number of observed instances of the "
                                + "scaled object.")),
                List.of((s, cells) -> cells.add(s.path("spec").path("replicas").asLong(0)),
                        (s, cells) -> cells.add(s.path("status").path("replicas").asLong(0))));
    }

    /** The middle columns and, for each, what appends its cell. */
    private record NameFieldsAge(List<Column> middle, List<BiConsumer<JsonNode, ArrayNode>> middleCells)
            implements Printer {

        @Override
        public List<Column> columns() {
            List<Column> columns = new ArrayList<>();
            columns.add(Column.objectName());
            columns.addAll(middle);
            columns.add(Column.age());
            return List.copyOf(columns);
        }

        @Override
        public void cells(JsonNode object, Instant now, ArrayNode cells) {
            cells.add(Fields.name(object));
            for (BiConsumer<JsonNode, ArrayNode> cell : middleCells) {
                cell.accept(object, cells);
            }
            cells.add(HumanDuration.since(Fields.creationTimestamp(object), now));
        }
    }
}
