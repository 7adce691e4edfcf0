package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.strategy.GoValues;
import io.drover.api.strategy.NameRules;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** The metadata rules every object follows: names, generateName, and what a write may not change. */
final class ObjectMetaRules {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** Resources whose names must be DNS-1123 labels (they become DNS names or env var parts). */
    private static final Set<String> LABEL_NAMED = Set.of("namespaces", "services");
    /** Roles and bindings are named by path segments only. */
    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final String GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private ObjectMetaRules() {}

    /** Whether the server picks this object's name: generateName without a name. */
    static boolean generatesName(JsonNode metadata) {
        return metadata.path("name").asText("").isEmpty() && !metadata.path("generateName").asText("").isEmpty();
    }

    /**
     * Fills in a generated name (the prefix, cut to 58 characters, and 5 random characters, as
     * Kubernetes' SimpleNameGenerator does), or fails when there is neither name nor generateName.
     */
    static String nameForCreate(ResourceType type, ObjectNode metadata, RandomGenerator random) {
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            String prefix = metadata.path("generateName").asText("");
            if (prefix.isEmpty()) {
                throw ApiException.invalid(type, "", List.of(new ApiException.Cause("FieldValueRequired",
                        "Required value: name or generateName is required", "metadata.name")));
            }
            StringBuilder generated = new StringBuilder(prefix.length() > 58 ? prefix.substring(0, 58) : prefix);
            for (int i = 0; i < 5; i++) {
                generated.append(GENERATE_ALPHABET.charAt(random.nextInt(GENERATE_ALPHABET.length())));
            }
            name = generated.toString();
            metadata.put("name", name);
        }
        return name;
    }

    /** The causes that make a name invalid for this resource, empty when it is fine. */
    static List<ApiException.Cause> validateName(ResourceType type, String name) {
        List<ApiException.Cause> causes = new ArrayList<>();
        if (type.group().equals(RBAC_GROUP)) {
            // ValidateRBACName: any path segment (e.g. "system:controller:x"), as in Kubernetes.
            for (String message : NameRules.pathSegmentName(name)) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + name + "\": " + message,
                        "metadata.name"));
            }
            return causes;
        }
        boolean label = LABEL_NAMED.contains(type.plural());
        int max = label ? 63 : 253;
        if (name.length() > max) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + name
                    + "\": must be no more than " + max + " characters", "metadata.name"));
        }
        if (type.plural().equals("services") && type.group().isEmpty()) {
            // ValidateServiceName is NameIsDNS1035Label: a Service name is a DNS label that starts with a letter.
            if (!DNS1035_LABEL.matcher(name).matches()) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + name + "\": a DNS-1035 "
                        + "label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                        + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used "
                        + "for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "metadata.name"));
            }
        } else if (label && !DNS1123_LABEL.matcher(name).matches()) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + name + "\": a lowercase "
                    + "RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
                    + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                    + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')", "metadata.name"));
        } else if (!label && !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + name + "\": a lowercase "
                    + "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
                    + "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                    + "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", "metadata.name"));
        }
        return causes;
    }

    /**
     * Whether two versions of an object differ outside metadata and status (a spec change), or in one of the
     * {@code metadataFields} the kind's generation follows too.
     */
    static boolean specChanged(JsonNode before, JsonNode after, List<String> metadataFields) {
        for (String field : metadataFields) {
            if (!before.path("metadata").path(field).equals(after.path("metadata").path(field))) {
                return true;
            }
        }
        ObjectNode a = ((ObjectNode) before).deepCopy();
        ObjectNode b = ((ObjectNode) after).deepCopy();
        for (ObjectNode o : List.of(a, b)) {
            o.remove(List.of("metadata", "status", "apiVersion", "kind"));
        }
        return !a.equals(b);
    }

    /**
     * An update's uid as kube-apiserver takes a PUT body's: a precondition (rest.DefaultUpdatedObjectInfo), so that
     * a client writing back its copy of an object that was deleted and created again under the same name does not
     * overwrite the new one. Empty means none.
     */
    static void checkUid(ResourceType type, String name, JsonNode stored, JsonNode desired) {
        String wanted = desired.path("metadata").path("uid").asText("");
        String actual = stored.path("metadata").path("uid").asText("");
        if (!wanted.isEmpty() && !wanted.equals(actual)) {
            throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: " + wanted
                    + ", UID in object meta: " + actual);
        }
    }

    /**
     * What an update may not do to a deletion, as ValidateObjectMetaUpdate refuses it after BeforeUpdate has put
     * back what a client left out: start one (a deletionTimestamp or deletionGracePeriodSeconds on an object that
     * has none; only a DELETE does that) or change the grace period of one under way. A deletionTimestamp that
     * differs from the stored one is put back silently, as BeforeUpdate does.
     */
    static List<ApiException.Cause> deletionChanges(JsonNode stored, JsonNode desired) {
        List<ApiException.Cause> causes = new ArrayList<>();
        JsonNode oldMeta = stored.path("metadata");
        JsonNode newMeta = desired.path("metadata");
        JsonNode timestamp = newMeta.path("deletionTimestamp");
        if (!oldMeta.hasNonNull("deletionTimestamp") && timestamp.isTextual()) {
            causes.add(immutable("metadata.deletionTimestamp", goTimeString(timestamp.asText())));
        }
        JsonNode grace = newMeta.path("deletionGracePeriodSeconds");
        JsonNode oldGrace = oldMeta.path("deletionGracePeriodSeconds");
        if (grace.isNumber() && (!oldGrace.isNumber() || oldGrace.asLong() != grace.asLong())) {
            causes.add(immutable("metadata.deletionGracePeriodSeconds", grace.asText()));
        }
        return causes;
    }

    /**
     * A metav1.Time as Go's fmt prints it in a field error: time.Time's String() of the instant in the server's zone,
     * which for kube-apiserver is UTC ({@code 2001-01-01 00:00:00 +0000 UTC}).
     */
    static String goTimeString(String rfc3339) {
        try {
            OffsetDateTime time = OffsetDateTime.parse(rfc3339).withOffsetSameInstant(ZoneOffset.UTC);
            String fraction = time.getNano() == 0 ? "" : String.format(".%09d", time.getNano()).replaceAll("0+$", "");
            return GO_TIME.format(time) + fraction + " +0000 UTC";
        } catch (DateTimeParseException e) {
            return GoValues.quote(rfc3339); // FieldTypes refuses such a value before an update gets here
        }
    }

    private static ApiException.Cause immutable(String field, String goValue) {
        return new ApiException.Cause("FieldValueInvalid", "Invalid value: " + goValue + ": field is immutable", field);
    }

    /** Copies what no update may change (uid, creation time, name, namespace) from the stored object. */
    static void keepImmutable(ObjectNode stored, ObjectNode updated) {
        ObjectNode from = (ObjectNode) stored.path("metadata");
        ObjectNode to = (ObjectNode) updated.path("metadata");
        for (String field : List.of("uid", "creationTimestamp", "name", "namespace", "deletionTimestamp",
                "deletionGracePeriodSeconds", "generation")) {
            JsonNode value = from.get(field);
            if (value == null) {
                to.remove(field);
            } else {
                to.set(field, value);
            }
        }
    }
}
