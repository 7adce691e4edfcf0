package io.drover.api.apply;

import io.drover.api.strategy.GoValues;
import java.util.Objects;

/**
 * A field the applied configuration would change that another manager owns.
 *
 * @param manager the other manager's name
 * @param operation "Apply" or "Update"
 * @param apiVersion the apiVersion of the other manager's entry
 * @param subresource the subresource of the other manager's entry, or ""
 * @param field the field as structured-merge-diff prints paths, e.g. {@code .data.key} or
 *     {@code .spec.template.spec.containers[name="web"].image}
 */
public record Conflict(String manager, String operation, String apiVersion, String subresource, String field) {
    public Conflict {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(field, "field");
        apiVersion = Objects.requireNonNullElse(apiVersion, "");
        subresource = Objects.requireNonNullElse(subresource, "");
    }

    /**
     * The manager as apiserver prints it: {@code "kubectl"} for an applier, {@code "kubectl-client-side-apply"
     * using v1} for an updater, with {@code with subresource "status"} when it wrote a subresource.
     */
    public String describeManager() {
        String name = GoValues.quote(manager);
        if (!subresource.isEmpty()) {
            name += " with subresource " + GoValues.quote(subresource);
        }
        return operation.equals(ManagedFields.UPDATE) ? name + " using " + apiVersion : name;
    }

    /** The message of this conflict's {@code FieldManagerConflict} status cause: {@code conflict with "x" using v1}. */
    public String causeMessage() {
        return "conflict with " + describeManager();
    }
}
