package io.drover.agent.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Reads process facts from Linux's {@code /proc}. */
final class ProcFs {
    /**
     * USER_HZ: the unit of {@code /proc/<pid>/stat} times. The kernel fixes it at 100 for user
     * space on every architecture Linux runs Java on, whatever its internal HZ.
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private static final Path PROC = Path.of("/proc");
    private static volatile Instant bootTime;

    private ProcFs() {}

    /** The fields of {@code /proc/<pid>/stat} the runtime uses. */
    record Stat(long pid, char state, long ppid, long pgrp, long session, long startTime) {
        /** A zombie (or dead) process has ended and only waits to be reaped. */
        boolean ended() {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }

    static Optional<Stat> stat(long pid) {
        try {
            return Optional.of(parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // ESRCH while reading: the process ended between open and read
            return Optional.empty();
        }
    }

    /**
     * Parses one {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and
     * may itself contain spaces and parentheses, so fields are counted from the last ')'.
     */
    static Stat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("stat line: " + line + " (expected: pid (comm) state ...)");
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state), so field n is f[n - 3]
        return new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[19]));
    }

    /** The live (not zombie) processes whose session id is {@code sid}. */
    static List<Stat> session(long sid) {
        return sessions(Set.of(sid));
    }

    /** The live (not zombie) processes whose session id is one of {@code sids}: one pass over /proc. */
    static List<Stat> sessions(Set<Long> sids) {
        return sids.isEmpty() ? new ArrayList<>() : live(s -> sids.contains(s.session()));
    }

    /** The live processes whose command line holds {@code args} one after the other: one pass over /proc. */
    static List<Stat> withArguments(List<String> args) {
        return live(s -> Collections.indexOfSubList(arguments(PROC.resolve(Long.toString(s.pid()))), args) >= 0);
    }

    /** The live children of the processes {@code parents}: one pass over /proc. */
    static List<Stat> children(Set<Long> parents) {
        return live(s -> parents.contains(s.ppid()));
    }

    /** The live (not zombie) processes {@code selected} takes: one pass over /proc. */
    private static List<Stat> live(Predicate<Stat> selected) {
        List<Stat> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcFs::isPidDir)) {
            for (Path dir : dirs) {
                stat(Long.parseLong(dir.getFileName().toString()))
                        .filter(s -> !s.ended() && selected.test(s)).ifPresent(found::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC, e);
        }
        return found;
    }

    private static List<String> arguments(Path pidDir) {
        try {
            String cmdline = new String(Files.readAllBytes(pidDir.resolve("cmdline")), StandardCharsets.UTF_8);
            return cmdline.isEmpty() ? List.of() : Arrays.asList(cmdline.split("\0"));
        } catch (IOException e) {
            return List.of(); // ended meanwhile, or not ours to read
        }
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** The wall-clock instant of a start time in clock ticks since boot. */
    static Instant instantOfTicks(long ticks) {
        return bootTime().plusMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    private static Instant bootTime() {
        Instant b = bootTime;
        if (b == null) {
            try {
                for (String line : Files.readAllLines(PROC.resolve("stat"))) {
                    if (line.startsWith("btime ")) {
                        b = Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/stat", e);
            }
            if (b == null) {
                throw new IllegalStateException("no btime in /proc/stat");
            }
            bootTime = b;
        }
        return b;
    }
}
