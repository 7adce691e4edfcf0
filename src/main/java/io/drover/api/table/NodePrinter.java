package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nodes: Name, Status, Roles, Age, Version | Internal-IP, External-IP, OS-Image, Kernel-Version,
 * Container-Runtime.
 */
final class NodePrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.string("Status", "The status of the node"),
            Column.string("Roles", "The roles of the node"),
            Column.age(),
            Column.string("Version", "Kubelet Version reported by the node."),
            Column.wide("Internal-IP", "List of addresses reachable to the node."),
            Column.wide("External-IP", "List of addresses reachable to the node."),
            Column.wide("OS-Image", "OS Image reported by the node from /etc/os-release."),
            Column.wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r'."),
            Column.wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime"
                    + " remote API."));

    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";
    private static final String UNKNOWN = "<unknown>";

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode node, Instant now, ArrayNode cells) {
        JsonNode info = Fields.at(node, "status", "nodeInfo");
        cells.add(Fields.name(node));
        cells.add(status(node));
        cells.add(roles(node));
        cells.add(HumanDuration.since(Fields.creationTimestamp(node), now));
        cells.add(Fields.text(info, "kubeletVersion"));
        cells.add(address(node, "InternalIP"));
        cells.add(address(node, "ExternalIP"));
        cells.add(orUnknown(Fields.text(info, "osImage")));
        cells.add(orUnknown(Fields.text(info, "kernelVersion")));
        cells.add(orUnknown(Fields.text(info, "containerRuntimeVersion")));
    }

    /** "Ready" or "NotReady" from the Ready condition ("Unknown" without one), then ",SchedulingDisabled". */
    static String status(JsonNode node) {
        List<String> status = new ArrayList<>();
        // The last condition of a type wins, as in the Go map the printer builds.
        JsonNode ready = null;
        for (JsonNode condition : Fields.at(node, "status", "conditions")) {
            if (Fields.text(condition, "type").equals("Ready")) {
                ready = condition;
            }
        }
        if (ready != null) {
            status.add(Fields.text(ready, "status").equals("True") ? "Ready" : "NotReady");
        } else {
            status.add("Unknown");
        }
        if (Fields.at(node, "spec", "unschedulable").asBoolean(false)) {
            status.add("SchedulingDisabled");
        }
        return String.join(",", status);
    }

    /** Sorted roles from node-role.kubernetes.io/&lt;role&gt; labels and the kubernetes.io/role label. */
    static String roles(JsonNode node) {
        Set<String> roles = new TreeSet<>();
        Fields.sortedMap(Fields.at(node, "metadata", "labels")).forEach((key, value) -> {
            if (key.startsWith(ROLE_LABEL_PREFIX) && key.length() > ROLE_LABEL_PREFIX.length()) {
                roles.add(key.substring(ROLE_LABEL_PREFIX.length()));
            } else if (key.equals(ROLE_LABEL) && !value.isEmpty()) {
                roles.add(value);
            }
        });
        return roles.isEmpty() ? Selectors.NONE : String.join(",", roles);
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode address : Fields.at(node, "status", "addresses")) {
            if (Fields.text(address, "type").equals(type)) {
                return Fields.text(address, "address");
            }
        }
        return Selectors.NONE;
    }

    private static String orUnknown(String value) {
        return value.isEmpty() ? UNKNOWN : value;
    }
}
