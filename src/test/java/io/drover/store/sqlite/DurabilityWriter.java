package io.drover.store.sqlite;

import io.drover.store.KeyValue;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The child process of {@link SqliteKillDurabilityIT}: opens a {@link SqliteStore} and lets several
 * threads create and update keys until it is killed. After each acknowledged write it prints one
 * line {@code ACK <key> <modRevision>}, so the parent knows exactly which writes the store promised
 * to keep.
 *
 * <p>Arguments: the database file, the number of writer threads, the number of keys per thread.
 * Each thread owns its keys, so writes never conflict; a key found in the file (from an earlier
 * run) is updated, a missing one created.
 */
public final class DurabilityWriter {

    static final String KEY_PREFIX = "/registry/durability/";

    private static PrintStream out;

    private DurabilityWriter() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int keysPerThread = Integer.parseInt(args[2]);
        out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
                false, StandardCharsets.UTF_8);
        SqliteStore store = SqliteStore.open(file);
        line("OPENED " + store.currentRevision());
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            writers[t] = new Thread(() -> write(store, id, keysPerThread), "durability-writer-" + t);
            writers[t].start();
        }
        // Runs until the parent kills the process; the store is deliberately never closed.
        for (Thread w : writers) {
            w.join();
        }
    }

    private static void write(SqliteStore store, int thread, int keys) {
        Map<String, Long> modRevisions = new HashMap<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            String key = KEY_PREFIX + "t" + thread + "/k" + random.nextInt(keys);
            byte[] value = new byte[64 + random.nextInt(512)];
            random.nextBytes(value);
            Long known = modRevisions.get(key);
            KeyValue written;
            if (known != null) {
                written = store.update(key, value, known);
            } else {
                Optional<KeyValue> existing = store.get(key);
                written = existing.isPresent()
                        ? store.update(key, value, existing.get().modRevision())
                        : store.create(key, value);
            }
            modRevisions.put(key, written.modRevision());
            line("ACK " + key + " " + written.modRevision());
        }
    }

    /** One whole line per write call, so lines never interleave and a kill cuts no line apart. */
    private static void line(String text) {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (DurabilityWriter.class) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }
}
