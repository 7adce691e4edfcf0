package io.drover.agent.runtime.process;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far each attachment following a task's raw output file has read it. The agent's log pump frees
 * the copied prefix of a raw file (punches holes into it) as it goes; a hole reads back as zeros, so
 * it must not free what an attachment that lags behind (a slow client, megabytes behind a chatty
 * task) has yet to read. The pump asks {@link #lowestUnread}; a follower registers with
 * {@link #follow} and moves its mark as it reads.
 */
public final class OutputReaders {
    private static final Map<Path, Set<AtomicLong>> READERS = new ConcurrentHashMap<>();

    private OutputReaders() {}

    /** One follower's mark in one file: the offset it reads next. Closing it removes the mark. */
    public static final class Mark implements AutoCloseable {
        private final Path file;
        private final AtomicLong offset;

        private Mark(Path file, AtomicLong offset) {
            this.file = file;
            this.offset = offset;
        }

        public void moveTo(long next) {
            offset.set(next);
        }

        @Override
        public void close() {
            READERS.computeIfPresent(file, (f, marks) -> {
                marks.remove(offset);
                return marks.isEmpty() ? null : marks;
            });
        }
    }

    /** Registers a follower of {@code file} that reads on from {@code offset}. */
    public static Mark follow(Path file, long offset) {
        Path key = key(file);
        AtomicLong mark = new AtomicLong(offset);
        READERS.compute(key, (f, marks) -> {
            Set<AtomicLong> set = marks == null ? ConcurrentHashMap.newKeySet() : marks;
            set.add(mark);
            return set;
        });
        return new Mark(key, mark);
    }

    /** {@code upTo}, or less: the lowest offset a follower of {@code file} has yet to read, if below it. */
    public static long lowestUnread(Path file, long upTo) {
        Set<AtomicLong> marks = READERS.get(key(file));
        long lowest = upTo;
        if (marks != null) {
            for (AtomicLong mark : marks) {
                lowest = Math.min(lowest, mark.get());
            }
        }
        return lowest;
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
