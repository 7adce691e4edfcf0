package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Deployments and ReplicaSets: replica counts, then the template's containers and the selector. */
final class WorkloadPrinters {

    private static final String SELECTOR_DESCRIPTION = "Label selector for pods. Existing ReplicaSets whose"
            + " pods are selected by this will be the ones affected by this deployment.";

    private WorkloadPrinters() {}

    /** Name, Ready ("ready/desired"), Up-to-date, Available, Age | Containers, Images, Selector. */
    static final class Deployment implements Printer {

        private static final List<Column> COLUMNS = List.of(
                Column.objectName(),
                Column.string("Ready", "Number of the pod with ready state"),
                Column.string("Up-to-date", "Total number of non-terminated pods targeted by this deployment"
                        + " that have the desired template spec."),
                Column.string("Available", "Total number of available pods (ready for at least"
                        + " minReadySeconds) targeted by this deployment."),
                Column.age(),
                Column.wide("Containers", Column.CONTAINERS_DESCRIPTION),
                Column.wide("Images", Column.IMAGES_DESCRIPTION),
                Column.wide("Selector", SELECTOR_DESCRIPTION));

        @Override
        public List<Column> columns() {
            return COLUMNS;
        }

        @Override
        public void cells(JsonNode deployment, Instant now, ArrayNode cells) {
            JsonNode status = deployment.path("status");
            cells.add(Fields.name(deployment));
            cells.add(Fields.integer(status, "readyReplicas") + "/" + desiredReplicas(deployment));
            cells.add(Fields.integer(status, "updatedReplicas"));
            cells.add(Fields.integer(status, "availableReplicas"));
            cells.add(HumanDuration.since(Fields.creationTimestamp(deployment), now));
            addContainers(deployment, cells);
            // printDeployment prints selector.String() as is: an empty selector is "", not <none>.
            String selector = Selectors.selectorString(Fields.at(deployment, "spec", "selector"));
            cells.add(selector == null ? "<invalid>" : selector);
        }
    }

    /** Name, Desired, Current, Ready, Age | Containers, Images, Selector. */
    static final class ReplicaSet implements Printer {

        private static final List<Column> COLUMNS = List.of(
                Column.objectName(),
                Column.integer("Desired", "Replicas is the number of desired replicas."),
                Column.integer("Current", "Replicas is the most recently observed number of replicas."),
                Column.integer("Ready", "The number of ready replicas for this replica set."),
                Column.age(),
                Column.wide("Containers", Column.CONTAINERS_DESCRIPTION),
                Column.wide("Images", Column.IMAGES_DESCRIPTION),
                Column.wide("Selector", "Selector is a label query over pods that should match the replica count."));

        @Override
        public List<Column> columns() {
            return COLUMNS;
        }

        @Override
        public void cells(JsonNode replicaSet, Instant now, ArrayNode cells) {
            JsonNode status = replicaSet.path("status");
            cells.add(Fields.name(replicaSet));
            cells.add(desiredReplicas(replicaSet));
            cells.add(Fields.integer(status, "replicas"));
            cells.add(Fields.integer(status, "readyReplicas"));
            cells.add(HumanDuration.since(Fields.creationTimestamp(replicaSet), now));
            addContainers(replicaSet, cells);
            cells.add(Selectors.formatLabelSelector(Fields.at(replicaSet, "spec", "selector")));
        }
    }

    // spec.replicas defaults to 1; the real server defaults it before storing, so an object
    // without it is one that skipped defaulting, and 1 is what it would have had.
    private static long desiredReplicas(JsonNode workload) {
        JsonNode replicas = Fields.at(workload, "spec", "replicas");
        return replicas.isNumber() ? replicas.asLong() : 1;
    }

    /** layoutContainerCells: names and images of the pod template's containers, comma separated. */
    private static void addContainers(JsonNode workload, ArrayNode cells) {
        JsonNode containers = Fields.at(workload, "spec", "template", "spec", "containers");
        cells.add(join(containers, "name"));
        cells.add(join(containers, "image"));
    }

    private static String join(JsonNode containers, String field) {
        return StreamSupport.stream(containers.spliterator(), false)
                .map(c -> Fields.text(c, field))
                .collect(Collectors.joining(","));
    }
}
