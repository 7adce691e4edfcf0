package io.drover.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.store.KeyValue;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kills a JVM that is writing to a {@link SqliteStore} with SIGKILL and checks that every write it
 * acknowledged survived and that the revision never goes backwards after a reopen, twice on one
 * file so the second run also starts from a crashed file.
 *
 * <p>A process kill leaves the kernel's page cache intact, so this proves a write is acknowledged
 * only after it reached the WAL and that recovery from a torn WAL works; it cannot prove the fsync
 * itself (that needs a power cut, e.g. a VM or a fault-injecting file system).
 */
class SqliteKillDurabilityIT {

    private static final int WRITER_THREADS = 8;
    private static final int KEYS_PER_THREAD = 200;
    private static final int ACKS_BEFORE_KILL = 2_000;
    private static final Duration ACK_WAIT = Duration.ofMinutes(2);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(20);

    private Path dir;
    private Path file;
    private Process child;
    private Thread reader;

    /** Acknowledged writes in the order the child printed them. */
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Long> openedAt = new CopyOnWriteArrayList<>();

    private record Ack(String key, long modRevision) {}

    @BeforeEach
    void createDir() throws IOException {
        dir = Files.createTempDirectory("drover-kill-it");
        file = dir.resolve("state.db");
    }

    @AfterEach
    void stopChildAndRemoveDir() throws Exception {
        try {
            killChild();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void acknowledgedWritesSurviveSigkillAndRevisionNeverGoesBack() throws Exception {
        long floor = 0;
        for (int cycle = 1; cycle <= 2; cycle++) {
            acks.clear();
            openedAt.clear();
            startChild(cycle);
            await("child acknowledging " + ACKS_BEFORE_KILL + " writes in cycle " + cycle)
                    .atMost(ACK_WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> acks.size() >= ACKS_BEFORE_KILL || !child.isAlive());
            assertThat(child.isAlive()).as("child alive while writing (stderr: %s)", stderr(cycle)).isTrue();

            killChild();
            List<Ack> acked = List.copyOf(acks);
            assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
            assertThat(openedAt).as("OPENED lines of child %s", cycle).hasSize(1);
            assertThat(openedAt.get(0)).as("revision when child %s opened the file", cycle)
                    .isGreaterThanOrEqualTo(floor);

            floor = verifyAfterReopen(acked);
        }
    }

    /** Reopens the file and checks every ack; returns the revision of the parent's own write. */
    private long verifyAfterReopen(List<Ack> acked) {
        Map<String, Long> newest = new HashMap<>();
        long highest = 0;
        for (Ack a : acked) {
            newest.merge(a.key(), a.modRevision(), Math::max);
            highest = Math.max(highest, a.modRevision());
        }
        try (SqliteStore store = SqliteStore.open(file)) {
            for (Map.Entry<String, Long> e : newest.entrySet()) {
                Optional<KeyValue> kv = store.get(e.getKey());
                assertThat(kv).as("acknowledged key %s", e.getKey()).isPresent();
                assertThat(kv.get().modRevision()).as("modRevision of %s", e.getKey())
                        .isGreaterThanOrEqualTo(e.getValue());
            }
            // Every acknowledged version is still in the history, exactly as acknowledged.
            for (Ack a : acked) {
                Optional<KeyValue> then = store.get(a.key(), a.modRevision());
                assertThat(then).as("%s at revision %s", a.key(), a.modRevision()).isPresent();
                assertThat(then.get().modRevision()).as("%s at revision %s", a.key(), a.modRevision())
                        .isEqualTo(a.modRevision());
            }
            assertThat(store.currentRevision()).isGreaterThanOrEqualTo(highest);
            long next = store.create("/registry/after-kill/" + highest, new byte[] {1}).modRevision();
            assertThat(next).as("revision of a write after the reopen").isGreaterThan(highest);
            return next;
        }
    }

    private void startChild(int cycle) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = List.of(java,
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                DurabilityWriter.class.getName(),
                file.toString(), String.valueOf(WRITER_THREADS), String.valueOf(KEYS_PER_THREAD));
        child = new ProcessBuilder(command)
                .redirectError(dir.resolve("child-" + cycle + ".err").toFile())
                .start();
        InputStream stdout = child.getInputStream();
        reader = new Thread(() -> readLines(stdout), "durability-child-reader-" + cycle);
        reader.setDaemon(true);
        reader.start();
    }

    /** Collects complete lines only: a line cut by the kill has no newline and is dropped. */
    private void readLines(InputStream stdout) {
        try (InputStream in = new BufferedInputStream(stdout)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String[] parts = line.toString(StandardCharsets.UTF_8).split(" ");
                line.reset();
                if (parts.length == 3 && parts[0].equals("ACK")) {
                    acks.add(new Ack(parts[1], Long.parseLong(parts[2])));
                } else if (parts.length == 2 && parts[0].equals("OPENED")) {
                    openedAt.add(Long.parseLong(parts[1]));
                } else {
                    throw new IllegalStateException("unexpected line from child: " + String.join(" ", parts));
                }
            }
        } catch (IOException e) {
            // The pipe closes when the child dies; what was read so far is what counts.
        }
    }

    /** SIGKILL to the child and its descendants, then waits for it and for the last lines. */
    private void killChild() throws InterruptedException {
        if (child == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(child.descendants().toList());
        child.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        assertThat(child.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)).as("child exited after SIGKILL").isTrue();
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS).exceptionally(e -> h).join();
        }
        if (reader != null) {
            reader.join(EXIT_WAIT.toMillis());
            assertThat(reader.isAlive()).as("reader of the child's output finished").isFalse();
        }
        child = null;
        reader = null;
    }

    private String stderr(int cycle) {
        try {
            return Files.readString(dir.resolve("child-" + cycle + ".err"));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
