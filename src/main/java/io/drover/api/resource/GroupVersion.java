package io.drover.api.resource;

import java.util.Optional;

/**
 * An apiVersion read as apimachinery's schema.ParseGroupVersion reads it.
 *
 * @param group the API group, "" for the core group
 * @param version the version within the group, "" when the apiVersion names none
 */
public record GroupVersion(String group, String version) {
    /**
     * ParseGroupVersion: "" (and "/") is no group and no version, "v1" a version of the core group,
     * "g/v" both; empty for more than one "/", which Kubernetes refuses as "unexpected GroupVersion
     * string".
     */
    public static Optional<GroupVersion> parse(String apiVersion) {
        String[] parts = apiVersion.split("/", -1);
        return switch (parts.length) {
            case 1 -> Optional.of(new GroupVersion("", apiVersion));
            case 2 -> Optional.of(new GroupVersion(parts[0], parts[1]));
            default -> Optional.empty();
        };
    }

    /** schema.FromAPIVersionAndKind's reading: an apiVersion that does not parse is no group and no version. */
    public static GroupVersion parseOrEmpty(String apiVersion) {
        return parse(apiVersion).orElse(new GroupVersion("", ""));
    }

    /** GroupVersion.String: the version alone for the core group. */
    @Override
    public String toString() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
