package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;
import io.drover.api.ApiException.Cause;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kubernetes' validation of the access reviews (pkg/apis/authorization/validation, 1.32, whose AuthorizeWithSelectors
 * is on): exactly one kind of attributes, a user or a group for another subject, the field and label selectors of
 * the resource attributes, and metadata that says nothing (a LocalSubjectAccessReview's namespace aside, which its
 * resource attributes must match). The errors come in kube's order; the kinds are refused with a 422 naming them.
 */
public final class AccessReviewValidation {
    private static final String GROUP = ".authorization.k8s.io";

    private AccessReviewValidation() {}

    /** ValidateSubjectAccessReview. */
    public static void subjectAccessReview(JsonNode review) {
        List<Cause> causes = subjectSpec(review.path("spec"));
        causes.addAll(emptyMetadata(review.path("metadata"), false));
        refuseIfAny("SubjectAccessReview", causes);
    }

    /** ValidateSelfSubjectAccessReview. */
    public static void selfSubjectAccessReview(JsonNode review) {
        JsonNode spec = review.path("spec");
        List<Cause> causes = attributes(spec);
        causes.addAll(resourceAttributes(spec.path("resourceAttributes")));
        causes.addAll(emptyMetadata(review.path("metadata"), false));
        refuseIfAny("SelfSubjectAccessReview", causes);
    }

    /** ValidateLocalSubjectAccessReview: its metadata.namespace is the request's by now. */
    public static void localSubjectAccessReview(JsonNode review) {
        JsonNode spec = review.path("spec");
        List<Cause> causes = subjectSpec(spec);
        causes.addAll(emptyMetadata(review.path("metadata"), true));
        String namespace = review.path("metadata").path("namespace").asText("");
        JsonNode resource = spec.path("resourceAttributes");
        if (resource.isObject() && !resource.path("namespace").asText("").equals(namespace)) {
            causes.add(Causes.invalid("spec.resourceAttributes.namespace",
                    GoValues.quote(resource.path("namespace").asText("")), "must match metadata.namespace"));
        }
        if (spec.path("nonResourceAttributes").isObject()) {
            causes.add(Causes.invalid("spec.nonResourceAttributes", spec.path("nonResourceAttributes").toString(),
                    "disallowed on this kind of request"));
        }
        refuseIfAny("LocalSubjectAccessReview", causes);
    }

    private static void refuseIfAny(String kind, List<Cause> causes) {
        if (!causes.isEmpty()) {
            throw ApiException.invalid(kind + GROUP, "", causes);
        }
    }

    /** ValidateSubjectAccessReviewSpec. */
    private static List<Cause> subjectSpec(JsonNode spec) {
        List<Cause> causes = attributes(spec);
        String user = spec.path("user").asText("");
        if (user.isEmpty() && spec.path("groups").isEmpty()) {
            causes.add(Causes.invalid("spec.user", GoValues.quote(user), "at least one of user or group must be specified"));
        }
        causes.addAll(resourceAttributes(spec.path("resourceAttributes")));
        return causes;
    }

    /** Exactly one of resourceAttributes and nonResourceAttributes. */
    private static List<Cause> attributes(JsonNode spec) {
        List<Cause> causes = new ArrayList<>();
        boolean resource = spec.path("resourceAttributes").isObject();
        boolean nonResource = spec.path("nonResourceAttributes").isObject();
        if (resource && nonResource) {
            causes.add(Causes.invalid("spec.nonResourceAttributes", spec.path("nonResourceAttributes").toString(),
                    "cannot be specified in combination with resourceAttributes"));
        } else if (!resource && !nonResource) {
            causes.add(Causes.invalid("spec.resourceAttributes", "\"null\"",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        return causes;
    }

    /** validateResourceAttributes: the field selector's and the label selector's rules. */
    private static List<Cause> resourceAttributes(JsonNode attributes) {
        List<Cause> causes = new ArrayList<>();
        if (attributes.isObject()) {
            causes.addAll(selector(attributes.path("fieldSelector"), "spec.resourceAttributes.fieldSelector", false));
            causes.addAll(selector(attributes.path("labelSelector"), "spec.resourceAttributes.labelSelector", true));
        }
        return causes;
    }

    /** validateFieldSelectorAttributes and validateLabelSelectorAttributes: a raw selector or requirements, not both. */
    private static List<Cause> selector(JsonNode selector, String path, boolean labels) {
        List<Cause> causes = new ArrayList<>();
        if (!selector.isObject()) {
            return causes;
        }
        String raw = selector.path("rawSelector").asText("");
        JsonNode requirements = selector.path("requirements");
        if (!raw.isEmpty() && !requirements.isEmpty()) {
            causes.add(Causes.invalid(path + ".rawSelector", GoValues.quote(raw),
                    "may not specified at the same time as requirements"));
        }
        if (raw.isEmpty() && requirements.isEmpty()) {
            causes.add(Causes.required(path + ".requirements",
                    "when " + path + " is specified, requirements or rawSelector is required"));
        }
        for (int i = 0; i < requirements.size(); i++) {
            String at = path + ".requirements[" + i + "]";
            causes.addAll(labels ? LabelSelectors.requirement(requirements.get(i), at, true)
                    : fieldRequirement(requirements.get(i), at));
        }
        return causes;
    }

    /** ValidateFieldSelectorRequirement, with unknown operators allowed as for labels. */
    private static List<Cause> fieldRequirement(JsonNode requirement, String path) {
        List<Cause> causes = new ArrayList<>();
        if (requirement.path("key").asText("").isEmpty()) {
            causes.add(Causes.required(path + ".key", "must be specified"));
        }
        // AllowUnknownOperatorInRequirement
        causes.addAll(LabelSelectors.operatorValues(requirement.path("operator").asText(""),
                requirement.path("values").size(), path, true));
        return causes;
    }

    /**
     * The metadata must equal ObjectMeta{} once its managedFields (and a local review's namespace) are left out, as
     * apiequality.Semantic.DeepEqual compares it: empty strings, zeros, nulls and empty maps or lists are unset.
     */
    private static List<Cause> emptyMetadata(JsonNode metadata, boolean exceptNamespace) {
        if (!metadata.isObject()) {
            return new ArrayList<>();
        }
        for (var member : metadata.properties()) {
            String name = member.getKey();
            if (!name.equals("managedFields") && !(exceptNamespace && name.equals("namespace")) && !isZero(member.getValue())) {
                return new ArrayList<>(List.of(Causes.invalid("metadata", goObjectMeta(metadata),
                        exceptNamespace ? "must be empty except for namespace" : "must be empty")));
            }
        }
        return new ArrayList<>();
    }

    private static boolean isZero(JsonNode value) {
        return value.isNull() || value.isContainerNode() && value.isEmpty() || value.isTextual() && value.asText().isEmpty()
                || value.isNumber() && value.asDouble() == 0 || value.isBoolean() && !value.asBoolean();
    }

    /** The metadata as Go's {@code %#v} prints a v1.ObjectMeta in the error (pointers and nested lists abridged). */
    private static String goObjectMeta(JsonNode m) {
        return "v1.ObjectMeta{Name:" + quoted(m, "name") + ", GenerateName:" + quoted(m, "generateName")
                + ", Namespace:" + quoted(m, "namespace") + ", SelfLink:" + quoted(m, "selfLink")
                + ", UID:" + quoted(m, "uid") + ", ResourceVersion:" + quoted(m, "resourceVersion")
                + ", Generation:" + m.path("generation").asLong(0)
                + ", CreationTimestamp:" + goTime(m.path("creationTimestamp").asText(""))
                + ", DeletionTimestamp:" + pointer(m, "deletionTimestamp", "v1.Time")
                + ", DeletionGracePeriodSeconds:" + pointer(m, "deletionGracePeriodSeconds", "int64")
                + ", Labels:" + GoValues.stringMap(m.get("labels"))
                + ", Annotations:" + GoValues.stringMap(m.get("annotations"))
                + ", OwnerReferences:" + list(m, "ownerReferences", "v1.OwnerReference")
                + ", Finalizers:" + GoValues.stringSlice(m.get("finalizers"))
                + ", ManagedFields:" + list(m, "managedFields", "v1.ManagedFieldsEntry") + "}";
    }

    private static String quoted(JsonNode metadata, String field) {
        return GoValues.quote(metadata.path(field).asText(""));
    }

    /** A metav1.Time's GoString: the zero time in UTC, a decoded one in time.Local (UTC in a kube-apiserver pod). */
    private static String goTime(String rfc3339) {
        if (rfc3339.isEmpty()) {
            return "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";
        }
        try {
            ZonedDateTime t = Instant.parse(rfc3339).atZone(ZoneOffset.UTC);
            return "time.Date(" + t.getYear() + ", time." + t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT)
                    + ", " + t.getDayOfMonth() + ", " + t.getHour() + ", " + t.getMinute() + ", " + t.getSecond() + ", "
                    + t.getNano() + ", time.Local)";
        } catch (java.time.DateTimeException e) {
            return GoValues.quote(rfc3339);
        }
    }

    /** A pointer field: Go prints a nil one typed, a set one as its address, which no client can compare anyway. */
    private static String pointer(JsonNode metadata, String field, String goType) {
        return "(*" + goType + ")(" + (metadata.path(field).isNull() || metadata.path(field).isMissingNode() ? "nil" : "0xc000000000") + ")";
    }

    private static String list(JsonNode metadata, String field, String goType) {
        JsonNode list = metadata.path(field);
        if (!list.isArray()) {
            return "[]" + goType + "(nil)";
        }
        return "[]" + goType + (list.isEmpty() ? "{}" : "{...}");
    }
}
