package io.drover.agent.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user and groups a task runs as ({@code securityContext.runAsUser}, {@code runAsGroup},
 * {@code supplementalGroups}), when not the node agent's own.
 *
 * @param groups the supplementary groups, besides {@code gid}
 */
public record TaskUser(long uid, long gid, List<Long> groups) {

    public TaskUser {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid, gid: " + uid + ", " + gid + " (expected: >= 0)");
        }
        groups = List.copyOf(groups);
    }

    /** The options of {@code setpriv(1)} that switch to this user and its groups. */
    List<String> setprivOptions() {
        List<String> options = new ArrayList<>(List.of("--reuid=" + uid, "--regid=" + gid));
        options.add(groups.isEmpty() ? "--clear-groups"
                : "--groups=" + String.join(",", groups.stream().map(String::valueOf).toList()));
        return options;
    }

    /** A one-line form for a task handle's state. */
    String encode() {
        return uid + ":" + gid + ":" + String.join(",", groups.stream().map(String::valueOf).toList());
    }

    /** Reads what {@link #encode()} wrote; empty for null (the agent's own user). */
    static Optional<TaskUser> decode(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.split(":", -1);
        List<Long> groups = new ArrayList<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String g : parts[2].split(",")) {
                groups.add(Long.parseLong(g));
            }
        }
        return Optional.of(new TaskUser(Long.parseLong(parts[0]), Long.parseLong(parts[1]), groups));
    }
}
