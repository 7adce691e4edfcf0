package io.drover.agent.logs;

import io.drover.agent.runtime.process.OutputReaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one run's raw output ({@code stdout.raw}, {@code stderr.raw}, appended by the task) into
 * its CRI log, stamping each line with the time it was read.
 *
 * <p><b>Resuming</b>: how far each raw file was copied is kept in {@code raw.offsets}, written
 * with one positional write (which a killed agent cannot tear) after the records it covers were
 * appended. An agent that dies between the two copies those records again when the next one
 * resumes: at-least-once, never a gap.
 *
 * <p><b>Reclaiming space without losing output</b>: the task keeps appending to the raw files
 * (O_APPEND) for as long as it runs, so they can be neither truncated (bytes written between the
 * last read and the truncation would be lost) nor replaced. Instead the copied prefix is
 * deallocated with {@code fallocate --punch-hole} every {@link #PUNCH_EVERY} bytes: the file keeps
 * its size and the writer its offset, but the disk blocks are freed. On a file system without
 * hole punching the raw file grows until the run ends; the run's end deletes it either way. What an
 * attached client has yet to read ({@link OutputReaders}) is not freed until it has read it.
 *
 * <p><b>Lines</b>: a line longer than {@link #MAX_LINE} bytes is split into partial ({@code P})
 * records, as containerd does; an unterminated last line waits for its newline until the run
 * ends, then becomes a full record.
 */
final class LogPump {
    static final int MAX_LINE = 16 * 1024;
    static final long PUNCH_EVERY = 4L << 20;
    private static final int CHUNK = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(LogPump.class);

    private final Path dir;
    private final Path runLog;
    private final RotatingLog out;
    private final Clock clock;
    private final Raw stdout;
    private final Raw stderr;
    private final FileChannel offsets;
    private boolean punchWorks = true;
    private boolean finished;
    /**
     * The read buffer, kept for the pump's life: a pod that logs every request is drained hundreds
     * of times a second, and a fresh 64 KiB buffer per drain was the largest allocation of a busy
     * server (half its garbage during a rollout under load, and so half its GC pauses, which stop
     * the in-process proxy too). Allocated at the first read that has bytes, so a quiet pod's
     * pump costs nothing.
     */
    private ByteBuffer buf;

    /** One raw file being copied. */
    private static final class Raw {
        final Path path;
        final CriLine.Stream stream;
        FileChannel channel;
        long offset;
        long punchedTo;

        Raw(Path path, CriLine.Stream stream, long offset) {
            this.path = path;
            this.stream = stream;
            this.offset = offset;
            this.punchedTo = offset;
        }
    }

    LogPump(Path containerDir, Path runLog, Clock clock, long maxSize, int maxFiles) throws IOException {
        this.dir = containerDir;
        this.runLog = runLog;
        this.clock = clock;
        this.out = new RotatingLog(runLog, maxSize, maxFiles);
        this.offsets = FileChannel.open(dir.resolve(LogFiles.OFFSETS), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        long[] saved = readOffsets();
        this.stdout = new Raw(dir.resolve(LogFiles.STDOUT_RAW), CriLine.Stream.STDOUT, saved[0]);
        this.stderr = new Raw(dir.resolve(LogFiles.STDERR_RAW), CriLine.Stream.STDERR, saved[1]);
    }

    Path runLog() {
        return runLog;
    }

    synchronized boolean finished() {
        return finished;
    }

    /**
     * Copies what the task wrote since the last call. {@code last}: the task has ended, so an
     * unterminated last line is complete. Returns whether anything was appended.
     */
    synchronized boolean drain(boolean last) throws IOException {
        if (finished) {
            return false;
        }
        Instant now = clock.instant();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        boolean moved = read(stdout, now, last, records) | read(stderr, now, last, records);
        if (!moved) {
            return false;
        }
        out.append(records.toByteArray());
        writeOffsets();
        punch(stdout);
        punch(stderr);
        notifyAll();
        return true;
    }

    /** Copies the rest, then removes the raw files: the run is over. */
    synchronized void finish() throws IOException {
        if (finished) {
            return;
        }
        drain(true);
        finished = true;
        notifyAll();
        close();
        Files.deleteIfExists(stdout.path);
        Files.deleteIfExists(stderr.path);
        Files.deleteIfExists(dir.resolve(LogFiles.OFFSETS));
    }

    /** Stops without finishing: the run goes on and the next agent resumes from the saved offsets. */
    synchronized void detach() {
        finished = true;
        notifyAll();
        try {
            close();
        } catch (IOException e) {
            log.warn("closing the log of {} failed: {}", runLog, e.toString());
        }
    }

    /** Waits up to {@code millis} for more records or the end of the run. */
    synchronized void awaitChange(long millis) throws InterruptedException {
        if (!finished) {
            TimeUnit.MILLISECONDS.timedWait(this, millis);
        }
    }

    private boolean read(Raw raw, Instant now, boolean last, ByteArrayOutputStream records) throws IOException {
        if (raw.channel == null) {
            try {
                raw.channel = FileChannel.open(raw.path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return false; // the task has not been started yet
            }
        }
        if (raw.channel.size() <= raw.offset) {
            return false;
        }
        if (buf == null) {
            buf = ByteBuffer.allocate(CHUNK);
        }
        boolean moved = false;
        while (true) {
            buf.clear();
            int n = raw.channel.read(buf, raw.offset);
            if (n <= 0) {
                return moved;
            }
            byte[] bytes = buf.array();
            boolean atEnd = raw.offset + n >= raw.channel.size();
            int consumed = split(bytes, n, raw.stream, now, last && atEnd, records);
            if (consumed == 0) {
                return moved; // an unterminated line waits for its newline
            }
            raw.offset += consumed;
            moved = true;
        }
    }

    /** Turns {@code bytes[0..n)} into records; returns how many bytes they covered. */
    static int split(byte[] bytes, int n, CriLine.Stream stream, Instant now, boolean flushTail,
            ByteArrayOutputStream records) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] == '\n') {
                line(bytes, start, i, stream, now, records);
                start = i + 1;
            }
        }
        while (n - start >= MAX_LINE) {
            record(bytes, start, start + MAX_LINE, stream, now, true, records);
            start += MAX_LINE;
        }
        if (flushTail && start < n) {
            record(bytes, start, n, stream, now, false, records);
            start = n;
        }
        return start;
    }

    /** A whole line [from, to): partial records of MAX_LINE bytes, then the full rest. */
    private static void line(byte[] bytes, int from, int to, CriLine.Stream stream, Instant now,
            ByteArrayOutputStream records) {
        while (to - from > MAX_LINE) {
            record(bytes, from, from + MAX_LINE, stream, now, true, records);
            from += MAX_LINE;
        }
        record(bytes, from, to, stream, now, false, records);
    }

    private static void record(byte[] bytes, int from, int to, CriLine.Stream stream, Instant now, boolean partial,
            ByteArrayOutputStream records) {
        byte[] content = new byte[to - from];
        System.arraycopy(bytes, from, content, 0, content.length);
        new CriLine(now, stream, partial, content).writeTo(records);
    }

    private long[] readOffsets() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        int n = offsets.read(buf, 0);
        if (n <= 0) {
            return new long[] {0, 0};
        }
        String[] parts = new String(buf.array(), 0, n, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            log.warn("{}: unreadable offsets, copying the raw logs from the start", dir.resolve(LogFiles.OFFSETS));
            return new long[] {0, 0};
        }
    }

    private void writeOffsets() throws IOException {
        byte[] text = String.format("%019d %019d\n", stdout.offset, stderr.offset).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.wrap(text);
        while (buf.hasRemaining()) {
            offsets.write(buf, buf.position());
        }
    }

    private void punch(Raw raw) {
        // Not what an attached client has yet to read: a hole reads back as zeros.
        long upTo = OutputReaders.lowestUnread(raw.path, raw.offset);
        if (!punchWorks || upTo - raw.punchedTo < PUNCH_EVERY) {
            return;
        }
        List<String> argv = List.of("fallocate", "--punch-hole", "--offset", "0", "--length",
                Long.toString(upTo), raw.path.toString());
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                punchWorks = false;
                log.warn("cannot punch holes into {} ({}): it grows until its run ends", raw.path, output);
                return;
            }
            raw.punchedTo = upTo;
        } catch (IOException e) {
            punchWorks = false;
            log.warn("cannot run fallocate ({}): {} grows until its run ends", e.getMessage(), raw.path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void close() throws IOException {
        try {
            out.close();
            offsets.close();
        } finally {
            for (Raw raw : List.of(stdout, stderr)) {
                if (raw.channel != null) {
                    raw.channel.close();
                }
            }
        }
    }
}
