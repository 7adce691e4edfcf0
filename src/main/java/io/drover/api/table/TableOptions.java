package io.drover.api.table;

import java.util.Objects;

/**
 * How a Table is written: the meta.k8s.io version the client asked for (kubectl asks for v1, older
 * clients for v1beta1) and what each row carries as its object (the {@code includeObject} query
 * parameter).
 *
 * @param metaVersion "v1" or "v1beta1"; the Table and the rows' PartialObjectMetadata are in it
 */
public record TableOptions(String metaVersion, IncludeObject includeObject) {

    /** What kubectl gets by default: v1, each row with its object's metadata. */
    public static final TableOptions DEFAULT = new TableOptions("v1", IncludeObject.METADATA);

    /** The {@code includeObject} values of meta.k8s.io TableOptions. */
    public enum IncludeObject {
        /** No object: the row's object is null. */
        NONE("None"),
        /** The object's metadata as PartialObjectMetadata (the default). */
        METADATA("Metadata"),
        /** The whole object. */
        OBJECT("Object");

        private final String value;

        IncludeObject(String value) {
            this.value = value;
        }

        /** The parameter's value as Kubernetes spells it; empty reads as Metadata, anything else as null. */
        public static IncludeObject parse(String value) {
            if (value == null || value.isEmpty()) {
                return METADATA;
            }
            for (IncludeObject candidate : values()) {
                if (candidate.value.equals(value)) {
                    return candidate;
                }
            }
            return null;
        }
    }

    public TableOptions {
        Objects.requireNonNull(metaVersion, "metaVersion");
        Objects.requireNonNull(includeObject, "includeObject");
    }

    /** "meta.k8s.io/" and the version: the apiVersion of the Table and of its rows' metadata. */
    public String metaApiVersion() {
        return "meta.k8s.io/" + metaVersion;
    }
}
