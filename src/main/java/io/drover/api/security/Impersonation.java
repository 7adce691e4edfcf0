package io.drover.api.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * kube-apiserver's impersonation filter ({@code kubectl --as}, {@code --as-group}, {@code --as-uid}):
 * a request with Impersonate-User acts as that user, in the Impersonate-Group groups, and in
 * {@code system:authenticated} (and a service account's groups, for a service account's name).
 * Under AlwaysAllow every authenticated user may impersonate anyone.
 */
public final class Impersonation {
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private Impersonation() {}

    /**
     * The user the request acts as.
     *
     * @param header the request's header by name (repeated headers joined with commas)
     * @throws IllegalArgumentException for groups or a uid without a user to impersonate, worded as
     *     Kubernetes words it
     */
    public static UserInfo effective(UserInfo authenticated, UnaryOperator<String> header) {
        return effective(authenticated, header, Map.of());
    }

    /**
     * The user the request acts as, with the Impersonate-Extra-KEY headers' values as its extra (the keys
     * percent-decoded and lower case, as HTTP header names arrive).
     *
     * @param extras the Impersonate-Extra- headers by the rest of their name
     */
    public static UserInfo effective(UserInfo authenticated, UnaryOperator<String> header, Map<String, String> extras) {
        String user = header.apply("Impersonate-User");
        List<String> groups = values(header.apply("Impersonate-Group"));
        String uid = header.apply("Impersonate-Uid");
        if (user == null || user.isBlank()) {
            if (!groups.isEmpty() || uid != null || !extras.isEmpty()) {
                throw new IllegalArgumentException("requested " + describe(groups, uid, extras)
                        + " without impersonating a user");
            }
            return authenticated;
        }
        List<String> all = new ArrayList<>(groups);
        if (user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
            addIfMissing(all, "system:serviceaccounts");
            addIfMissing(all, "system:serviceaccounts:" + parts[0]);
        }
        if (!user.equals("system:anonymous")) {
            addIfMissing(all, "system:authenticated");
        }
        Map<String, List<String>> extra = new java.util.TreeMap<>();
        // Each header's value is one value, whole (commas included).
        extras.forEach((key, value) -> extra.put(unescape(key), List.of(value)));
        return new UserInfo(user, uid == null ? "" : uid, all, extra);
    }

    private static List<String> values(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(joined.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static void addIfMissing(List<String> groups, String group) {
        if (!groups.contains(group)) {
            groups.add(group);
        }
    }

    /** unescapeExtraKey: the key percent-decoded, or kept as sent when it does not decode. */
    private static String unescape(String key) {
        try {
            return java.net.URLDecoder.decode(key.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key;
        }
    }

    private static String describe(List<String> groups, String uid, Map<String, String> extras) {
        List<String> requested = new ArrayList<>();
        groups.forEach(g -> requested.add("{Group  " + g + "  }"));
        extras.forEach((key, value) -> requested.add("{UserExtra  " + value + "  authentication.k8s.io/v1  "
                + unescape(key) + "}"));
        if (uid != null) {
            requested.add("{UID  " + uid + "  }");
        }
        return requested.toString().replace(", ", " ");
    }
}
