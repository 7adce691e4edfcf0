package io.drover.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One media range of an Accept header, e.g. {@code application/json;as=Table;v=v1;g=meta.k8s.io}.
 *
 * @param type the type, lower case ("*" for any)
 * @param subtype the subtype, lower case ("*" for any)
 * @param params the parameters other than q, keys lower case, values unquoted
 * @param quality the q parameter, 1 when absent; 0 means "not acceptable"
 */
public record MediaRange(String type, String subtype, Map<String, String> params, double quality) {

    /** Most preferred first: by quality, then exact types before wildcards, then in the client's order. */
    private static final Comparator<MediaRange> PREFERENCE = Comparator.comparingDouble(MediaRange::quality).reversed()
            .thenComparing(range -> range.type().equals("*"))
            .thenComparing(range -> range.subtype().equals("*"));

    public MediaRange {
        params = Map.copyOf(params);
    }

    /**
     * The acceptable ranges of an Accept header, most preferred first, as goautoneg (which
     * kube-apiserver uses) reads it: a range that is not {@code type/subtype} or {@code *} is skipped,
     * and so is one with q=0. Null or blank reads as no range at all.
     */
    public static List<MediaRange> parseAccept(String header) {
        List<MediaRange> ranges = new ArrayList<>();
        if (header == null) {
            return ranges;
        }
        for (String part : header.split(",")) {
            String[] pieces = part.split(";");
            if (pieces.length == 0) {
                continue;
            }
            String[] typeAndSubtype = pieces[0].strip().toLowerCase(Locale.ROOT).split("/", -1);
            String type = typeAndSubtype[0].strip();
            String subtype;
            if (typeAndSubtype.length == 1 && type.equals("*")) {
                subtype = "*";
            } else if (typeAndSubtype.length == 2 && !type.isEmpty() && !typeAndSubtype[1].isBlank()) {
                subtype = typeAndSubtype[1].strip();
            } else {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            double quality = 1;
            for (int i = 1; i < pieces.length; i++) {
                int eq = pieces[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = pieces[i].substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = unquote(pieces[i].substring(eq + 1).strip());
                if (key.equals("q")) {
                    quality = parseQuality(value);
                } else {
                    params.put(key, value);
                }
            }
            if (quality > 0) {
                ranges.add(new MediaRange(type, subtype, params, quality));
            }
        }
        ranges.sort(PREFERENCE);
        return ranges;
    }

    /** Whether this range covers {@code type/subtype} (wildcards included). */
    public boolean covers(String type, String subtype) {
        return (this.type.equals("*") || this.type.equals(type)) && (this.subtype.equals("*") || this.subtype.equals(subtype));
    }

    /** Whether this range names {@code type/subtype} itself, not through a wildcard. */
    public boolean is(String type, String subtype) {
        return this.type.equals(type) && this.subtype.equals(subtype);
    }

    /** A parameter's value, or null. */
    public String param(String name) {
        return params.get(name);
    }

    private static double parseQuality(String value) {
        try {
            double q = Double.parseDouble(value);
            return Double.isNaN(q) ? 0 : q;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
