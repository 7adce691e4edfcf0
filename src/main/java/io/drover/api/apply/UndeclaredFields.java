package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An apply configuration's fields that its kind does not have, worded as structured-merge-diff's
 * typed conversion refuses them: {@code .spec.foo: field not declared in schema}, one per field
 * (ValidationErrors: "errors:" and one indented line each when there are several), with paths as
 * it prints them ({@code .spec.template.spec.containers[name="web"].foo}).
 */
public final class UndeclaredFields {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private UndeclaredFields() {}

    /**
     * @param unknownPaths the unknown fields as found in the configuration, {@code spec.containers[0].foo}
     */
    public static String message(ObjectNode config, PatchSchema schema, List<String> unknownPaths) {
        List<String> errors = unknownPaths.stream().map(p -> schemaPath(config, schema, p)
                + ": field not declared in schema").toList();
        return errors.size() == 1 ? errors.getFirst() : "errors:\n  " + String.join("\n  ", errors);
    }

    /** An unknown field's path with list elements named as structured-merge-diff names them. */
    static String schemaPath(ObjectNode config, PatchSchema schema, String path) {
        FieldPath at = FieldPath.ROOT;
        JsonNode node = config;
        PatchSchema parent = schema;
        for (String segment : path.split("\\.")) {
            Matcher m = SEGMENT.matcher(segment);
            if (!m.matches()) {
                return "." + path; // not a path this class reads: as it is
            }
            String field = m.group(1);
            at = at.child(new PathElement.Field(field));
            JsonNode value = node == null ? null : node.get(field);
            Matcher index = INDEX.matcher(m.group(2));
            while (index.find()) {
                int i = Integer.parseInt(index.group(1));
                JsonNode item = value instanceof ArrayNode list && i < list.size() ? list.get(i) : null;
                at = at.child(element(parent, field, item, at, i));
                value = item;
            }
            node = value;
            parent = parent.field(field);
        }
        return at.toString();
    }

    /** An element of an associative or set list by its key or value, any other by its index. */
    private static PathElement element(PatchSchema parent, String field, JsonNode item, FieldPath list, int index) {
        if (item == null || ListKind.of(parent, field) == ListKind.ATOMIC) {
            return new PathElement.Index(index);
        }
        try {
            return ListKind.elementOf(parent, field, item, list, index);
        } catch (InvalidApplyException e) {
            return new PathElement.Index(index); // an element without its key: the apply refuses it anyway
        }
    }
}
