package io.drover.api.validation;

import static io.drover.api.validation.ApimachineryTypes.MICRO_TIME;
import static io.drover.api.validation.ApimachineryTypes.QUANTITY;
import static io.drover.api.validation.ApimachineryTypes.TIME;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the values whose Go types have a JSON form of their own as kube-apiserver's typed decoding and
 * encoding leave them, so that what is stored is what Kubernetes would store:
 * <ul>
 *   <li>resource quantities in their canonical form ({@link Quantities}): {@code cpu: 0.5} is stored as
 *       {@code "500m"}, {@code memory: 1024Mi} as {@code "1Gi"}, a quantity given as a JSON number as a string;
 *   <li>{@code metav1.Time} in UTC to the second ({@code time.RFC3339}, the fraction cut off) and
 *       {@code metav1.MicroTime} in UTC with six fractional digits ({@code RFC3339Micro}), as their
 *       {@code MarshalJSON} writes them. A client that writes milliseconds or an offset (the JavaScript client
 *       writes every Date as {@code ...T09:21:13.000Z}) otherwise had them stored as sent, so reading an object
 *       and writing it back unchanged made a new resourceVersion and a MODIFIED event (fuzz round 24).
 * </ul>
 * The values are found along the kind's protobuf descriptor, as {@link FieldTypes} finds types; run after it, so
 * every value parses. Nulls are left as they are.
 */
public final class CanonicalValues {
    private static final Set<String> CANONICAL_TYPES = Set.of(QUANTITY, TIME, MICRO_TIME);
    /** What Go's time.Parse reads with either layout: a one- or two-digit hour, any fraction after '.' or ','. */
    private static final Pattern GO_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{1,2}):(\\d{2}):(\\d{2})([.,]\\d+)?(Z|[+-]\\d{2}:\\d{2})");
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    /** Whether a message type holds such a value anywhere below it; types that hold none are not walked. */
    private static final Map<Descriptor, Boolean> HOLDS_CANONICAL = new ConcurrentHashMap<>();
    private static final DescriptorWalk.Visitor VISITOR = new DescriptorWalk.Visitor() {
        @Override
        public boolean enters(Descriptor type) {
            return holdsCanonical(type);
        }

        @Override
        public JsonNode member(Descriptor owner, FieldDescriptor field, JsonNode value) {
            return field.isRepeated() ? value : canonical(field, value);
        }

        @Override
        public JsonNode element(FieldDescriptor field, JsonNode value) {
            return canonical(field, value);
        }
    };

    private CanonicalValues() {}

    /** Rewrites {@code object}'s values in place; kinds drover has no descriptor for are left as they are. */
    public static void canonicalize(String apiVersion, String kind, JsonNode object) {
        DescriptorWalk.walk(apiVersion, kind, object, VISITOR);
    }

    /** A value of a field: in its canonical form when its type has one, else as it is. */
    private static JsonNode canonical(FieldDescriptor field, JsonNode value) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return value;
        }
        return switch (field.getMessageType().getFullName()) {
            case QUANTITY -> quantity(value);
            case TIME -> time(value, RFC3339);
            case MICRO_TIME -> time(value, RFC3339_MICRO);
            default -> value;
        };
    }

    private static JsonNode quantity(JsonNode value) {
        if (!value.isTextual() && !value.isNumber()) {
            return value;
        }
        try {
            return TextNode.valueOf(Quantities.canonical(value.asText().strip()));
        } catch (IllegalArgumentException e) {
            return value; // FieldTypes refuses it before this runs
        }
    }

    private static JsonNode time(JsonNode value, DateTimeFormatter layout) {
        Matcher parts = value.isTextual() ? GO_TIME.matcher(value.textValue()) : null;
        if (parts == null || !parts.matches()) {
            return value; // FieldTypes refuses what Go cannot read before this runs
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(parts.group(1)), Integer.parseInt(parts.group(2)),
                    Integer.parseInt(parts.group(3)), Integer.parseInt(parts.group(4)), Integer.parseInt(parts.group(5)),
                    Integer.parseInt(parts.group(6)), nanos(parts.group(7)));
            Instant instant = local.toInstant(ZoneOffset.UTC).minusSeconds(offsetSeconds(parts.group(8)));
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            // Go's MarshalJSON refuses years outside [0, 9999]; such a value is kept rather than made up.
            return year < 0 || year > 9999 ? value : TextNode.valueOf(layout.format(instant));
        } catch (DateTimeException e) {
            return value;
        }
    }

    /** The fraction after Go's '.' or ',' as nanoseconds; Go reads up to nine digits and drops the rest. */
    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        String digits = (fraction.substring(1) + "000000000").substring(0, 9);
        return Integer.parseInt(digits);
    }

    /** Z, or ±hh:mm, which Go reads up to 24 hours (more than java.time's offsets allow). */
    private static long offsetSeconds(String zone) {
        if (zone.equals("Z")) {
            return 0;
        }
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        return sign * (Integer.parseInt(zone.substring(1, 3)) * 3600L + Integer.parseInt(zone.substring(4, 6)) * 60L);
    }

    private static boolean holdsCanonical(Descriptor type) {
        Boolean known = HOLDS_CANONICAL.get(type);
        if (known == null) {
            known = search(type, new HashSet<>());
            HOLDS_CANONICAL.put(type, known);
        }
        return known;
    }

    private static boolean search(Descriptor type, Set<Descriptor> seen) {
        if (CANONICAL_TYPES.contains(type.getFullName())) {
            return true;
        }
        if (!seen.add(type)) {
            return false; // a recursive type (JSONSchemaProps) is answered where it was first met
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && search(field.getMessageType(), seen)) {
                return true;
            }
        }
        return false;
    }
}
