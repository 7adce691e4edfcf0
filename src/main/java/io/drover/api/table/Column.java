package io.drover.api.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One meta.k8s.io/v1 TableColumnDefinition. Priority 0 columns are always shown; priority 1 only
 * with {@code kubectl get -o wide}. The server always sends every cell; kubectl hides the rest.
 *
 * @param name the header, e.g. "Ready"; kubectl upper-cases it
 * @param type an OpenAPI type: "string", "integer", "boolean", "date"
 * @param format an OpenAPI format; "name" marks the column kubectl uses for the object name
 * @param description shown by nothing kubectl prints, but part of the wire format
 * @param priority 0 or 1
 */
record Column(String name, String type, String format, String description, int priority) {

    static final String NAME_DESCRIPTION =
            "Name must be unique within a namespace. Is required when creating resources, although"
                    + " some resources may allow a client to request the generation of an appropriate"
                    + " name automatically. Name is primarily intended for creation idempotence and"
                    + " configuration definition. Cannot be updated. More info:"
                    + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    static final String CREATION_DESCRIPTION =
            "CreationTimestamp is a timestamp representing the server time when this object was"
                    + " created. It is not guaranteed to be set in happens-before order across separate"
                    + " operations. Clients may not set this value. It is represented in RFC3339 form"
                    + " and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info:"
                    + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
    static final String CONTAINERS_DESCRIPTION = "Names of each container in the template.";
    static final String IMAGES_DESCRIPTION = "Images referenced by each container in the template.";

    static Column objectName() {
        return new Column("Name", "string", "name", NAME_DESCRIPTION, 0);
    }

    static Column age() {
        return new Column("Age", "string", "", CREATION_DESCRIPTION, 0);
    }

    static Column string(String name, String description) {
        return new Column(name, "string", "", description, 0);
    }

    static Column integer(String name, String description) {
        return new Column(name, "integer", "", description, 0);
    }

    static Column wide(String name, String description) {
        return new Column(name, "string", "", description, 1);
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("type", type);
        node.put("format", format);
        node.put("description", description);
        node.put("priority", priority);
        return node;
    }
}
