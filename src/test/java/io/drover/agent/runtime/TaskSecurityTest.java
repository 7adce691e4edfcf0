package io.drover.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskSecurityTest {

    @Test
    void theAgentsOwnNeedsNoSetpriv() {
        assertThat(TaskSecurity.AGENT.setpriv()).isEmpty();
        assertThat(new TaskSpec("t", List.of("true"), Map.of(), null, java.nio.file.Path.of("o"),
                java.nio.file.Path.of("e")).security()).isEqualTo(TaskSecurity.AGENT);
    }

    @Test
    void limitsTheBoundingSetInLinuxsOrderBeforeSwitchingUsers() {
        TaskSecurity security = new TaskSecurity(Optional.of(new TaskUser(65534, 65534, List.of(7L))),
                Optional.of(Set.of("CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_NOT_A_CAPABILITY")), true);
        assertThat(security.setpriv()).containsExactly("/usr/bin/setpriv", "--bounding-set=-all,+chown,+net_bind_service",
                "--inh-caps=-all", "--no-new-privs", "--reuid=65534", "--regid=65534", "--groups=7", "--");
    }

    @Test
    void anEmptySetDropsEveryCapability() {
        assertThat(new TaskSecurity(Optional.empty(), Optional.of(Set.of()), false).setpriv())
                .containsExactly("/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--");
    }

    @Test
    void survivesAHandlesStateAndReadsAStateWrittenBeforeCapabilities() {
        TaskSecurity security = new TaskSecurity(Optional.of(new TaskUser(1000, 100, List.of())),
                Optional.of(Set.of("CAP_KILL")), true);
        Map<String, String> state = new HashMap<>();
        security.saveTo(state);
        assertThat(TaskSecurity.readFrom(state)).isEqualTo(security);

        Map<String, String> dropped = new HashMap<>();
        new TaskSecurity(Optional.empty(), Optional.of(Set.of()), false).saveTo(dropped);
        assertThat(TaskSecurity.readFrom(dropped).capabilities()).hasValue(Set.of());

        assertThat(TaskSecurity.readFrom(Map.of("user", "1000:100:"))).isEqualTo(TaskSecurity.of(new TaskUser(1000, 100, List.of())));
        assertThat(TaskSecurity.readFrom(Map.of())).isEqualTo(TaskSecurity.AGENT);
    }
}
