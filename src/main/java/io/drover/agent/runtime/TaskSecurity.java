package io.drover.agent.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a task and its execs are confined, as runc confines a container's processes: the user they
 * run as, the capabilities they may hold, and whether they may gain privileges on exec.
 *
 * @param user who it runs as; empty for the node agent's own user
 * @param capabilities the capability bounding set, as Linux names ({@code CAP_CHOWN}): a root task
 *     holds exactly these, a task of another user at most these; empty to keep the agent's (a
 *     privileged container's)
 * @param noNewPrivileges whether exec may not grant privileges (setuid binaries, file
 *     capabilities): {@code allowPrivilegeEscalation: false}
 */
public record TaskSecurity(Optional<TaskUser> user, Optional<Set<String>> capabilities, boolean noNewPrivileges) {

    /** The node agent's own user and privileges. */
    public static final TaskSecurity AGENT = new TaskSecurity(Optional.empty(), Optional.empty(), false);

    /** Linux's capabilities, by number (capabilities(7)); the names setpriv(1) knows. */
    public static final List<String> LINUX_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
            "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** The handle state's keys (see {@link #saveTo}). */
    private static final String USER_STATE = "user";
    private static final String CAPABILITIES_STATE = "capabilities";
    private static final String NO_NEW_PRIVILEGES_STATE = "noNewPrivileges";

    public TaskSecurity {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(capabilities, "capabilities");
        capabilities = capabilities.map(TaskSecurity::inLinuxOrder);
    }

    /** A task run as this user with the agent's privileges. */
    public static TaskSecurity of(TaskUser user) {
        return new TaskSecurity(Optional.of(user), Optional.empty(), false);
    }

    /**
     * The arguments of {@code setpriv(1)} that confine what follows them, ending in "--"; none when
     * the task keeps the agent's user and privileges. The bounding set is set before the user
     * changes, while the agent's CAP_SETPCAP still allows it.
     */
    public List<String> setpriv() {
        if (equals(AGENT)) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv"));
        capabilities.ifPresent(caps -> {
            argv.add("--bounding-set=-all" + caps.stream()
                    .map(c -> ",+" + c.substring("CAP_".length()).toLowerCase(Locale.ROOT)).collect(Collectors.joining()));
            // runc gives a container no inheritable (and so no ambient) capabilities, whatever the agent holds.
            argv.add("--inh-caps=-all");
        });
        if (noNewPrivileges) {
            argv.add("--no-new-privs");
        }
        user.ifPresent(u -> argv.addAll(u.setprivOptions()));
        argv.add("--");
        return argv;
    }

    /** Writes itself into a task handle's state, for the execs of a task the agent finds again. */
    public void saveTo(Map<String, String> state) {
        user.ifPresent(u -> state.put(USER_STATE, u.encode()));
        capabilities.ifPresent(caps -> state.put(CAPABILITIES_STATE, String.join(",", caps)));
        if (noNewPrivileges) {
            state.put(NO_NEW_PRIVILEGES_STATE, "true");
        }
    }

    /** Reads what {@link #saveTo} wrote; a handle saved before capabilities were kept has its user alone. */
    public static TaskSecurity readFrom(Map<String, String> state) {
        String caps = state.get(CAPABILITIES_STATE);
        return new TaskSecurity(TaskUser.decode(state.get(USER_STATE)),
                caps == null ? Optional.empty() : Optional.of(caps.isEmpty() ? Set.of()
                        : new LinkedHashSet<>(Arrays.asList(caps.split(",")))),
                "true".equals(state.get(NO_NEW_PRIVILEGES_STATE)));
    }

    /** The names Linux knows, in its order; runc ignores the others, with a warning. */
    public static Set<String> inLinuxOrder(Set<String> names) {
        Set<String> ordered = new LinkedHashSet<>();
        for (String cap : LINUX_CAPABILITIES) {
            if (names.contains(cap)) {
                ordered.add(cap);
            }
        }
        return Collections.unmodifiableSet(ordered);
    }
}
