package io.drover.api.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Message types that stand for a named Go slice of strings ({@code type ExtraValue []string}, marked
 * {@code +protobuf.nullable=true} in k8s.io/api): go-to-protobuf gives such a type a message whose only field is
 * {@code repeated string items}, but Go's JSON of it is the bare array, {@code "extra": {"key": ["a", "b"]}}. They are
 * authentication's, authorization's and certificates' {@code ExtraValue} and meta/v1's {@code Verbs}.
 *
 * <p>Before, they were read as structs: a SubjectAccessReview whose {@code spec.extra} held an array, as every
 * delegating authorizer sends for a service account's credential id, was refused with a 400.
 */
public final class GoSlices {
    private static final String ITEMS = "items";

    private GoSlices() {}

    /**
     * Whether {@code type} is such a slice. Structs of one repeated field named items exist too, but hold messages
     * ({@code DownwardAPIProjection}); only the slice types hold strings.
     */
    public static boolean isSlice(Descriptor type) {
        if (type.getFields().size() != 1) {
            return false;
        }
        FieldDescriptor only = type.getFields().getFirst();
        return only.getName().equals(ITEMS) && only.isRepeated()
                && only.getJavaType() == FieldDescriptor.JavaType.STRING;
    }

    /** The repeated field that holds a slice type's elements. */
    public static FieldDescriptor items(Descriptor sliceType) {
        return sliceType.findFieldByName(ITEMS);
    }
}
