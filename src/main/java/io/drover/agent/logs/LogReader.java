package io.drover.agent.logs;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads one run's CRI log the way the kubelet's {@code ReadLogs} does: from the start or the last
 * {@code tailLines} records of the current file (rotated parts are not read, as in Kubernetes),
 * skipping records before {@code since}, writing each record's content (with its time when
 * asked) up to {@code limitBytes}, and when following, waiting for more until the run ends. A
 * rotation while following is noticed by the file's identity: the old file is read to its end,
 * then the new one from its start.
 */
final class LogReader {
    /** How a follower learns about new records and the end of the run. */
    interface Progress {
        /** Whether records may still be appended to this run's log. */
        boolean live();

        /** Waits up to {@code millis} for more records or the run's end. */
        void awaitChange(long millis) throws InterruptedException;
    }

    private static final int CHUNK = 64 * 1024;
    private static final long WAIT_MILLIS = 1000;

    private final LogOptions options;
    private final OutputStream out;
    private long remaining;

    private LogReader(LogOptions options, OutputStream out) {
        this.options = options;
        this.out = out;
        this.remaining = options.limitBytes() < 0 ? Long.MAX_VALUE : options.limitBytes();
    }

    /**
     * Writes the selected part of {@code runLog} to {@code out}; returns when done (or the limit is
     * reached). Records are written in blocks of up to {@value #CHUNK} bytes, a few writes per record
     * being as many HTTP chunks on an unbuffered response; what was read is flushed before every wait
     * for more, so a follower sees each record at once.
     */
    static void copy(Path runLog, LogOptions options, Progress progress, OutputStream out)
            throws IOException, InterruptedException {
        new LogReader(options, new BufferedOutputStream(out, CHUNK)).run(runLog, progress);
    }

    private void run(Path runLog, Progress progress) throws IOException, InterruptedException {
        Opened opened = open(runLog);
        if (opened == null) {
            return;
        }
        FileChannel channel = opened.channel();
        Object openKey = opened.key();
        try {
            long position = options.tailLines() >= 0 ? tailStart(channel, options.tailLines()) : 0;
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            while (true) {
                position = readToEnd(channel, position, pending);
                if (position < 0 || !options.follow()) {
                    return;
                }
                Object key = fileKey(runLog);
                if (key != null && !key.equals(openKey)) {
                    // Rotated: the old file gets nothing after the rename, so read it to its end.
                    if (readToEnd(channel, position, pending) < 0) {
                        return;
                    }
                    channel.close();
                    opened = open(runLog);
                    if (opened == null) {
                        return;
                    }
                    channel = opened.channel();
                    openKey = opened.key();
                    position = 0;
                    pending.reset();
                    continue;
                }
                if (!progress.live()) {
                    readToEnd(channel, position, pending); // the last records, appended before the end
                    return;
                }
                progress.awaitChange(WAIT_MILLIS);
            }
        } finally {
            channel.close();
            out.flush();
        }
    }

    /**
     * Writes the complete records from {@code position} on; an incomplete last record stays in
     * {@code pending}. Returns the position reached, or -1 once the byte limit is reached.
     */
    private long readToEnd(FileChannel channel, long position, ByteArrayOutputStream pending) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (true) {
            buf.clear();
            int n = channel.read(buf, position);
            if (n <= 0) {
                out.flush();
                return position;
            }
            position += n;
            byte[] bytes = buf.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                boolean more;
                if (pending.size() > 0) {
                    pending.write(bytes, start, i - start);
                    byte[] record = pending.toByteArray();
                    pending.reset();
                    more = write(record, 0, record.length);
                } else {
                    more = write(bytes, start, i - start);
                }
                start = i + 1;
                if (!more) {
                    out.flush();
                    return -1;
                }
            }
            pending.write(bytes, start, n - start);
        }
    }

    /** Writes one record's output; false once the byte limit is reached. */
    private boolean write(byte[] buf, int offset, int length) throws IOException {
        CriLine line = CriLine.parse(buf, offset, length);
        if (line == null || (options.since() != null && line.time().isBefore(options.since()))) {
            return true;
        }
        if (options.timestamps() && !limited((CriLine.formatTime(line.time()) + " ").getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        if (!limited(line.content())) {
            return false;
        }
        return line.partial() || limited(new byte[] {'\n'});
    }

    private boolean limited(byte[] bytes) throws IOException {
        int n = (int) Math.min(bytes.length, remaining);
        out.write(bytes, 0, n);
        remaining -= n;
        return remaining > 0;
    }

    /**
     * Where the last {@code lines} records begin (Kubernetes' FindTailLineStartIndex): scans back
     * from the end counting newlines; a newline that ends the file ends the last record.
     */
    static long tailStart(FileChannel channel, long lines) throws IOException {
        long size = channel.size();
        if (lines == 0) {
            return size;
        }
        long end = size;
        long found = 0;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (end > 0) {
            long from = Math.max(0, end - CHUNK);
            buf.clear().limit((int) (end - from));
            int n = 0;
            while (buf.hasRemaining()) {
                int r = channel.read(buf, from + buf.position());
                if (r < 0) {
                    break;
                }
                n += r;
            }
            for (int i = n - 1; i >= 0; i--) {
                long at = from + i;
                if (buf.get(i) == '\n' && at != size - 1) {
                    found++;
                    if (found == lines) {
                        return at + 1;
                    }
                }
            }
            end = from;
        }
        return 0;
    }

    private record Opened(FileChannel channel, Object key) {}

    /**
     * Opens {@code file} together with its identity (inode): Java cannot fstat an open channel, so
     * the path's identity is read before and after opening, and the open retried if a rotation
     * came in between. Null when the file does not exist.
     */
    private static Opened open(Path file) throws IOException {
        while (true) {
            Object before = fileKey(file);
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (before != null && before.equals(fileKey(file))) {
                return new Opened(channel, before);
            }
            channel.close();
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
