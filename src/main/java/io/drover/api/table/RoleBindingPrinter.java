package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * RoleBindings and ClusterRoleBindings (printRoleBinding): Name, Role ({@code Kind/name}), Age, and
 * with {@code -o wide} the subjects split into Users, Groups and ServiceAccounts
 * ({@code namespace/name}), as rbac.SubjectsStrings splits them.
 */
final class RoleBindingPrinter implements Printer {

    private final List<Column> columns;

    private RoleBindingPrinter(String kind, String roleRefDescription) {
        this.columns = List.of(
                Column.objectName(),
                Column.string("Role", roleRefDescription),
                Column.age(),
                Column.wide("Users", "Users in the " + kind),
                Column.wide("Groups", "Groups in the " + kind),
                Column.wide("ServiceAccounts", "ServiceAccounts in the " + kind));
    }

    static RoleBindingPrinter roleBinding() {
        return new RoleBindingPrinter("roleBinding", "RoleRef can reference a Role in the current namespace or a"
                + " ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must"
                + " return an error.");
    }

    static RoleBindingPrinter clusterRoleBinding() {
        return new RoleBindingPrinter("clusterRoleBinding", "RoleRef can only reference a ClusterRole in the global"
                + " namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.");
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public void cells(JsonNode binding, Instant now, ArrayNode cells) {
        cells.add(Fields.name(binding));
        cells.add(Fields.text(binding, "roleRef", "kind") + "/" + Fields.text(binding, "roleRef", "name"));
        cells.add(HumanDuration.since(Fields.creationTimestamp(binding), now));
        List<String> users = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<String> serviceAccounts = new ArrayList<>();
        for (JsonNode subject : binding.path("subjects")) {
            String name = subject.path("name").asText("");
            switch (subject.path("kind").asText("")) {
                case "ServiceAccount" -> serviceAccounts.add(subject.path("namespace").asText("") + "/" + name);
                case "User" -> users.add(name);
                case "Group" -> groups.add(name);
                default -> { }
            }
        }
        cells.add(String.join(", ", users));
        cells.add(String.join(", ", groups));
        cells.add(String.join(", ", serviceAccounts));
    }
}
