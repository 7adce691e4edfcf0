package io.drover.agent.logs;

import io.drover.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.agent.runtime.process.OutputReaders;
import io.drover.testing.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's log pipeline on real files, driven by hand (a pump drained explicitly, a settable
 * clock): line splitting, offsets across a restart, tail/since/limit selection and rotation.
 */
class LogPipelineTest {
    /** A log whose container has ended: read to its end once, no waiting for more. */
    private static final LogReader.Progress FINISHED = new LogReader.Progress() {
        @Override
        public boolean live() {
            return false;
        }

        @Override
        public void awaitChange(long millis) {}
    };

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private Path dir;
    private final MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void createDir() throws IOException {
        dir = TempDirs.create("drover-logs");
    }

    @AfterEach
    void deleteDir() {
        TempDirs.delete(dir);
    }

    @Test
    void copiesLinesOfBothStreamsWithTheTimeTheyWereRead() throws IOException {
        Path log = LogFiles.runLog(dir, 0);
        LogPump pump = pump(log);
        append(LogFiles.STDOUT_RAW, "one\ntwo\nunfinished");
        append(LogFiles.STDERR_RAW, "oops\n");
        assertThat(pump.drain(false)).isTrue();
        clock.set(T0.plusSeconds(1));
        append(LogFiles.STDOUT_RAW, " line\n");
        pump.drain(false);
        assertThat(Files.readString(log)).isEqualTo(
                "2024-05-01T10:00:00.000000000Z stdout F one\n"
                        + "2024-05-01T10:00:00.000000000Z stdout F two\n"
                        + "2024-05-01T10:00:00.000000000Z stderr F oops\n"
                        + "2024-05-01T10:00:01.000000000Z stdout F unfinished line\n");
        assertThat(pump.drain(false)).isFalse();
    }

    @Test
    void splitsLongLinesIntoPartialRecordsAndEndsAnUnterminatedLastLineWithTheRun() throws IOException {
        Path log = LogFiles.runLog(dir, 0);
        LogPump pump = pump(log);
        String longLine = "x".repeat(LogPump.MAX_LINE + 10);
        append(LogFiles.STDOUT_RAW, longLine + "\ntail without newline");
        pump.drain(false);
        assertThat(read(log, LogOptions.ALL)).isEqualTo(longLine + "\n");
        pump.finish();
        assertThat(read(log, LogOptions.ALL)).isEqualTo(longLine + "\ntail without newline\n");
        List<String> records = Files.readAllLines(log);
        assertThat(records).extracting(r -> r.split(" ")[2]).containsExactly("P", "F", "F");
        assertThat(dir.resolve(LogFiles.STDOUT_RAW)).doesNotExist();
        assertThat(dir.resolve(LogFiles.OFFSETS)).doesNotExist();
    }

    @Test
    void theCopiedOutputIsFreedButNotWhatAnAttachedClientHasYetToRead() throws IOException {
        Path raw = dir.resolve(LogFiles.STDOUT_RAW);
        LogPump pump = pump(LogFiles.runLog(dir, 0));
        append(LogFiles.STDOUT_RAW, "attached here\n");
        long attachedAt = Files.size(raw);
        String line = "y".repeat(1023) + "\n";
        try (OutputReaders.Mark client = OutputReaders.follow(raw, attachedAt)) {
            append(LogFiles.STDOUT_RAW, line.repeat(5 * 1024)); // 5 MiB, more than the pump frees at once
            pump.drain(false);
            // The client, still at its first byte, reads the output, not the zeros of a hole.
            assertThat(readAt(raw, attachedAt, line.length())).isEqualTo(line);

            client.moveTo(Files.size(raw));
            append(LogFiles.STDOUT_RAW, line);
            pump.drain(false);
        }
        assertThat(readAt(raw, Files.size(raw) - line.length(), line.length())).isEqualTo(line);
    }

    private static String readAt(Path file, long offset, int length) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
            channel.read(buffer, offset);
            return new String(buffer.array(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aNewPumpResumesWhereTheLastOneStopped() throws IOException {
        Path log = LogFiles.runLog(dir, 0);
        LogPump first = pump(log);
        append(LogFiles.STDOUT_RAW, "before\n");
        first.drain(false);
        first.detach(); // the agent went away; the task keeps writing
        append(LogFiles.STDOUT_RAW, "while away\n");
        LogPump second = pump(log);
        second.drain(false);
        assertThat(read(log, LogOptions.ALL)).isEqualTo("before\nwhile away\n");
    }

    @Test
    void selectsTailSinceAndLimitAndAddsTimestamps() throws IOException {
        Path log = LogFiles.runLog(dir, 0);
        LogPump pump = pump(log);
        for (int i = 1; i <= 5; i++) {
            clock.set(T0.plusSeconds(i));
            append(LogFiles.STDOUT_RAW, "line " + i + "\n");
            pump.drain(false);
        }
        assertThat(read(log, new LogOptions(false, 2, null, false, -1))).isEqualTo("line 4\nline 5\n");
        assertThat(read(log, new LogOptions(false, 0, null, false, -1))).isEmpty();
        assertThat(read(log, new LogOptions(false, 99, null, false, -1))).startsWith("line 1\n");
        assertThat(read(log, new LogOptions(false, -1, T0.plusSeconds(4), false, -1))).isEqualTo("line 4\nline 5\n");
        assertThat(read(log, new LogOptions(false, 3, T0.plusSeconds(5), false, -1))).isEqualTo("line 5\n");
        assertThat(read(log, new LogOptions(false, -1, null, false, 9))).isEqualTo("line 1\nli");
        assertThat(read(log, new LogOptions(false, 1, null, true, -1)))
                .isEqualTo("2024-05-01T10:00:05.000000000Z line 5\n");
    }

    @Test
    void aLogIsWrittenInBlocksNotRecordByRecord() throws IOException, InterruptedException {
        Path log = LogFiles.runLog(dir, 0);
        LogPump pump = pump(log);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 10_000; i++) {
            lines.append("line ").append(i).append('\n');
        }
        append(LogFiles.STDOUT_RAW, lines.toString());
        pump.drain(false);
        CountingStream out = new CountingStream();

        LogReader.copy(log, new LogOptions(false, -1, null, true, -1), FINISHED, out);

        // The kubelet's response stream is unbuffered: every write is an HTTP chunk of its own.
        assertThat(out.bytes.toString(StandardCharsets.UTF_8)).hasLineCount(10_000).endsWith(" line 10000\n");
        assertThat(out.writes).isLessThanOrEqualTo(out.bytes.size() / (64 * 1024) + 1);
    }

    /** Counts the writes that reach it. */
    private static final class CountingStream extends java.io.OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }
    }

    @Test
    void rotatesBySizeKeepingMaxFilesAndReadsOnlyTheCurrentFile() throws IOException {
        Path log = LogFiles.runLog(dir, 0);
        // Each record is 47 bytes; 100 bytes hold two.
        LogPump pump = new LogPump(dir, log, clock, 100, 3);
        for (int i = 1; i <= 9; i++) {
            append(LogFiles.STDOUT_RAW, "line " + i + "\n");
            pump.drain(false);
        }
        assertThat(LogFiles.rotated(log)).extracting(p -> p.getFileName().toString())
                .containsExactly("0.log.3", "0.log.4");
        assertThat(read(log, LogOptions.ALL)).isEqualTo("line 9\n");
        assertThat(Files.readString(dir.resolve("0.log.4"))).contains("line 7", "line 8");
    }

    @Test
    void aFollowerSeesNewLinesFollowsARotationAndEndsWithTheRun() throws Exception {
        try (LogPipeline pipeline = LogPipeline.start(Clock.systemUTC(), 100, 3)) {
            LogPipeline.RunFiles files = pipeline.prepareRun(dir, 0);
            pipeline.follow(dir);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    pipeline.read(dir, 0, new LogOptions(true, -1, null, false, -1), out);
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            for (int i = 1; i <= 6; i++) {
                Files.writeString(files.stdout(), "line " + i + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                String expected = "line " + i + "\n";
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> out.toString(StandardCharsets.UTF_8).endsWith(expected));
            }
            assertThat(LogFiles.rotated(LogFiles.runLog(dir, 0))).isNotEmpty();
            Files.writeString(files.stderr(), "last words", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            pipeline.ended(dir);
            assertThat(reader.join(Duration.ofSeconds(5))).isTrue();
            assertThat(failure.get()).isNull();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nlast words\n");
        }
    }

    @Test
    void aNewRunKeepsOnlyThePreviousRunsLog() throws IOException {
        try (LogPipeline pipeline = LogPipeline.start(clock, LogPipeline.DEFAULT_MAX_SIZE, 5)) {
            for (int run = 0; run <= 3; run++) {
                LogPipeline.RunFiles files = pipeline.prepareRun(dir, run);
                Files.writeString(files.stdout(), "run " + run + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                pipeline.ended(dir); // the task ended while no pump followed it
            }
            assertThat(pipeline.runs(dir)).containsExactly(2, 3);
            assertThat(read(LogFiles.runLog(dir, 3), LogOptions.ALL)).isEqualTo("run 3\n");
            assertThat(read(LogFiles.runLog(dir, 2), LogOptions.ALL)).isEqualTo("run 2\n");
        }
    }

    private LogPump pump(Path log) throws IOException {
        return new LogPump(dir, log, clock, LogPipeline.DEFAULT_MAX_SIZE, LogPipeline.DEFAULT_MAX_FILES);
    }

    private void append(String raw, String text) throws IOException {
        Files.writeString(dir.resolve(raw), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String read(Path log, LogOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            LogReader.copy(log, options, FINISHED, out);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
