package io.drover.api.security;

import io.drover.api.strategy.NameRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * kube-apiserver's impersonation filter ({@code kubectl --as}, {@code --as-group}, {@code --as-uid}):
 * a request with Impersonate-User acts as that user, in a service account's groups (for a service
 * account's name), the Impersonate-Group groups, and {@code system:authenticated} (or
 * {@code system:unauthenticated} for {@code system:anonymous}).
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
        // WithImpersonation: a service account's groups come first (its request is the first), then the
        // requested groups, then system:authenticated unless a group says either way; the anonymous user is
        // system:unauthenticated instead.
        List<String> all = new ArrayList<>();
        String namespace = serviceAccountNamespace(user);
        if (namespace != null) {
            all.add("system:serviceaccounts");
            all.add("system:serviceaccounts:" + namespace);
        }
        all.addAll(groups);
        if (!user.equals("system:anonymous")) {
            if (!all.contains("system:authenticated") && !all.contains("system:unauthenticated")) {
                all.add("system:authenticated");
            }
        } else if (!all.contains("system:unauthenticated")) {
            all.add("system:unauthenticated");
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

    /**
     * serviceaccount.SplitUsername: the namespace of {@code system:serviceaccount:NS:NAME} with a valid
     * namespace and name; null for any other user name, which is impersonated as a plain user.
     */
    private static String serviceAccountNamespace(String user) {
        if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return null;
        }
        String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || !NameRules.dns1123Label(parts[0]).isEmpty()
                || !NameRules.dns1123Subdomain(parts[1]).isEmpty()) {
            return null;
        }
        return parts[0];
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
