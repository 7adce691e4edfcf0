package io.drover.api.storage;

import io.drover.api.ApiException;

/**
 * The query parameters of a list or watch.
 *
 * @param labels the label selector
 * @param fields the field selector
 * @param limit at most this many items per page; 0 for all
 * @param continueToken the continue token of the previous page, or null
 * @param resourceVersion the resourceVersion parameter as given ("" when absent)
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, int limit, String continueToken,
        String resourceVersion) {

    public static ListOptions everything() {
        return new ListOptions(LabelSelector.EVERYTHING, FieldSelector.EVERYTHING, 0, null, "");
    }

    /**
     * The resourceVersion parameter as a store revision (drover's resourceVersions are its store's
     * revisions).
     *
     * @throws ApiException 400 when it is not a number of zero or more
     */
    public long revision() {
        return revision(resourceVersion);
    }

    /**
     * A resourceVersion as a store revision.
     *
     * @throws ApiException 400 when it is not a number of zero or more
     */
    public static long revision(String resourceVersion) {
        long revision = GoIntegers.parseUint64(resourceVersion).orElse(-1);
        if (revision < 0) {
            throw ApiException.badRequest("invalid resource version: " + resourceVersion);
        }
        return revision;
    }

    /** Whether every object is selected (no label or field selector). */
    boolean selectsEverything() {
        return labels.isEverything() && fields.isEverything();
    }

    boolean selects(com.fasterxml.jackson.databind.JsonNode object) {
        return labels.matches(object.path("metadata").get("labels")) && fields.matches(object);
    }
}
