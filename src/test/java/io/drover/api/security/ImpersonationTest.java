package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Impersonate-* headers as kube-apiserver's impersonation filter reads them. */
class ImpersonationTest {

    private static UserInfo effective(Map<String, String> headers) {
        return Impersonation.effective(UserInfo.ADMIN, headers::get);
    }

    @Test
    void withoutHeadersTheTokensUserActs() {
        assertThat(effective(Map.of())).isEqualTo(UserInfo.ADMIN);
    }

    @Test
    void aUserIsImpersonatedWithItsGroupsAndTheAuthenticatedOne() {
        UserInfo jane = effective(Map.of("Impersonate-User", "jane", "Impersonate-Group", "devs,ops",
                "Impersonate-Uid", "42"));
        assertThat(jane).isEqualTo(new UserInfo("jane", "42", java.util.List.of("devs", "ops", "system:authenticated")));
        assertThat(effective(Map.of("Impersonate-User", "system:serviceaccount:team:ci")).groups())
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated");
        assertThat(effective(Map.of("Impersonate-User", "system:anonymous")).groups())
                .containsExactly("system:unauthenticated");
    }

    @Test
    void groupsFollowTheImpersonationFiltersRules() {
        // The service account's request comes first, so its groups lead; requested groups follow.
        assertThat(effective(Map.of("Impersonate-User", "system:serviceaccount:ns1:sa1", "Impersonate-Group", "custom"))
                .groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:ns1", "custom",
                        "system:authenticated");
        // Asking for system:unauthenticated (or system:authenticated) leaves the authenticated group out.
        assertThat(effective(Map.of("Impersonate-User", "bob", "Impersonate-Group", "system:unauthenticated"))
                .groups()).containsExactly("system:unauthenticated");
        // A name SplitUsername refuses is a plain user's.
        for (String name : new String[] {"system:serviceaccount:ns1", "system:serviceaccount:ns1:sa:x",
                "system:serviceaccount:NS:sa"}) {
            assertThat(effective(Map.of("Impersonate-User", name)).groups()).as(name)
                    .containsExactly("system:authenticated");
        }
    }

    @Test
    void extraHeadersBecomeTheUsersExtra() {
        UserInfo jane = Impersonation.effective(UserInfo.ADMIN, Map.of("Impersonate-User", "jane")::get,
                Map.of("scopes", "view,edit", "example.com%2freason", "audit", "bad%zz", "x"));
        assertThat(jane.extra()).isEqualTo(Map.of("scopes", java.util.List.of("view,edit"), "example.com/reason",
                java.util.List.of("audit"), "bad%zz", java.util.List.of("x")));
        assertThatThrownBy(() -> Impersonation.effective(UserInfo.ADMIN, Map.<String, String>of()::get,
                Map.of("scopes", "view"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupsWithoutAUserAreRefused() {
        assertThatThrownBy(() -> effective(Map.of("Impersonate-Group", "devs")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requested [{Group  devs  }] without impersonating a user");
    }
}
