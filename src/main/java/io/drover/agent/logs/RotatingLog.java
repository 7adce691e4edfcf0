package io.drover.agent.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends records to one run's log, rotating it by size as the kubelet's container log manager
 * does (containerLogMaxSize, containerLogMaxFiles): when a write would take {@code N.log} past
 * {@code maxSize}, it is renamed to {@code N.log.<seq>} and a new {@code N.log} started; of the
 * rotated parts only the newest {@code maxFiles - 1} are kept. A reader following {@code N.log}
 * notices the rename by the file's identity and moves to the new file.
 */
final class RotatingLog implements AutoCloseable {
    private final Path file;
    private final long maxSize;
    private final int maxFiles;
    private FileChannel channel;

    RotatingLog(Path file, long maxSize, int maxFiles) throws IOException {
        if (maxSize < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("maxSize, maxFiles: " + maxSize + ", " + maxFiles + " (expected: >= 1)");
        }
        this.file = file;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
        this.channel = open(file);
    }

    /** Appends whole records (never splitting {@code records} across two files). */
    void append(byte[] records) throws IOException {
        if (records.length == 0) {
            return;
        }
        if (channel.size() > 0 && channel.size() + records.length > maxSize) {
            rotate();
        }
        ByteBuffer buf = ByteBuffer.wrap(records);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        List<Path> parts = LogFiles.rotated(file);
        long next = parts.isEmpty() ? 1 : LogFiles.sequence(parts.get(parts.size() - 1)) + 1;
        Files.move(file, file.resolveSibling(file.getFileName() + "." + next), StandardCopyOption.ATOMIC_MOVE);
        parts = LogFiles.rotated(file);
        for (int i = 0; i < parts.size() - (maxFiles - 1); i++) {
            Files.deleteIfExists(parts.get(i));
        }
        channel = open(file);
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
