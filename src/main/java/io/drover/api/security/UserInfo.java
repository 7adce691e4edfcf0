package io.drover.api.security;

import java.util.List;

/**
 * Who a request comes from, as Kubernetes' authenticators describe a user (user.Info): what
 * SelfSubjectReview ({@code kubectl auth whoami}) answers.
 *
 * @param username e.g. {@code admin} or {@code system:serviceaccount:default:default}
 * @param uid the user's uid, "" when it has none (the admin)
 * @param groups e.g. {@code system:masters} and {@code system:authenticated}
 */
public record UserInfo(String username, String uid, List<String> groups) {
    /** The kubeconfig's user, in the groups Kubernetes gives a cluster administrator. */
    public static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", "system:authenticated"));

    public UserInfo {
        groups = List.copyOf(groups);
    }

    /** A service account, in the groups Kubernetes puts every service account in. */
    static UserInfo serviceAccount(String namespace, String name, String uid) {
        return new UserInfo("system:serviceaccount:" + namespace + ":" + name, uid, List.of("system:serviceaccounts",
                "system:serviceaccounts:" + namespace, "system:authenticated"));
    }
}
