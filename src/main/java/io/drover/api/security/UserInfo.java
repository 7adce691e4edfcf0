package io.drover.api.security;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who a request comes from, as Kubernetes' authenticators describe a user (user.Info): what
 * SelfSubjectReview ({@code kubectl auth whoami}) answers.
 *
 * @param username e.g. {@code admin} or {@code system:serviceaccount:default:default}
 * @param uid the user's uid, "" when it has none (the admin)
 * @param groups e.g. {@code system:masters} and {@code system:authenticated}
 * @param extra what else the authenticator knows (a token's credential id, the pod it is bound to), by key
 */
public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
    /** The kubeconfig's user, in the groups Kubernetes gives a cluster administrator. */
    public static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", "system:authenticated"));

    public UserInfo {
        groups = List.copyOf(groups);
        Map<String, List<String>> sorted = new TreeMap<>();
        extra.forEach((key, values) -> sorted.put(key, List.copyOf(values)));
        extra = java.util.Collections.unmodifiableMap(sorted);
    }

    public UserInfo(String username, String uid, List<String> groups) {
        this(username, uid, groups, Map.of());
    }

    /** A service account, in the groups Kubernetes puts every service account in. */
    static UserInfo serviceAccount(String namespace, String name, String uid, Map<String, List<String>> extra) {
        return new UserInfo("system:serviceaccount:" + namespace + ":" + name, uid, List.of("system:serviceaccounts",
                "system:serviceaccounts:" + namespace, "system:authenticated"), extra);
    }
}
