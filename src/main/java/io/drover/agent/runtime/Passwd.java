package io.drover.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The node's user database, where a container engine reads the image's {@code /etc/passwd}: the
 * process runtime's tasks run on the host, so its users are theirs.
 */
public final class Passwd {
    private final Path file;

    public Passwd(Path file) {
        this.file = file;
    }

    /** The uid this process (the node agent) runs as; -1 when it cannot be told. */
    public static long processUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** The node's {@code /etc/passwd}. */
    public static Passwd node() {
        return new Passwd(Path.of("/etc/passwd"));
    }

    /** The fields of {@code uid}'s entry (name, password, uid, gid, gecos, home, shell); empty when it has none. */
    private Optional<String[]> entry(long uid) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 7 && fields[2].equals(Long.toString(uid))) {
                    return Optional.of(fields);
                }
            }
        } catch (IOException e) {
            // no usable database: as an image without an entry for the user
        }
        return Optional.empty();
    }

    /** {@code uid}'s primary group, or 0 without an entry, as runc takes it. */
    public long primaryGroup(long uid) {
        return entry(uid).flatMap(fields -> {
            try {
                return Optional.of(Long.parseLong(fields[3]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }).orElse(0L);
    }

    /** {@code uid}'s home directory, or {@code /} without an entry, as runc sets HOME. */
    public String home(long uid) {
        return entry(uid).map(fields -> fields[5]).filter(home -> !home.isEmpty()).orElse("/");
    }
}
