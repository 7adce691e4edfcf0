import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import io.drover.store.StoreException;
import io.drover.store.Watch;
import io.drover.store.WatchEvent;
import io.drover.store.WatchListener;
import io.drover.store.etcd.EtcdStore;
import io.drover.store.sqlite.SqliteStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store benchmark: the same measurements against the SQLite backend and a real etcd, printed
 * as one Markdown table. Not a test; run it through bench/store-bench.sh, which starts etcd.
 *
 * <p>Arguments: {@code --sqlite-dir DIR --etcd URL[,URL...]} and optionally {@code --quick} (shorter
 * phases, for checking the harness). Progress goes to stderr, the results to stdout.
 */
public final class StoreBench {

    static final int VALUE_BYTES = 1024;

    // Tunables (seconds / counts); --quick shrinks them.
    static double writeSeconds = 5;
    static double readSeconds = 3;
    static int rangeKeys = 10_000;
    static int rangeRepeats = 7;
    static double watchSeconds = 5;
    static int watchRatePerSecond = 400;
    static int compactKeys = 20_000;
    static int compactUpdates = 4;

    /** metric name -> backend -> value; insertion order is the table order. */
    static final Map<String, Map<String, String>> results = new LinkedHashMap<>();
    static final Map<String, Map<String, Double>> numbers = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        Path sqliteDir = null;
        String etcd = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sqlite-dir" -> sqliteDir = Path.of(args[++i]);
                case "--etcd" -> etcd = args[++i];
                case "--quick" -> {
                    writeSeconds = 1;
                    readSeconds = 1;
                    rangeKeys = 2_000;
                    rangeRepeats = 3;
                    watchSeconds = 1;
                    compactKeys = 2_000;
                    compactUpdates = 2;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (sqliteDir == null || etcd == null) {
            throw new IllegalArgumentException("usage: StoreBench --sqlite-dir DIR --etcd URL[,URL] [--quick]");
        }
        Files.createDirectories(sqliteDir);
        Path db = sqliteDir.resolve("state.db");

        log("== SQLite (" + db + ")");
        try (Store store = SqliteStore.open(db)) {
            common("SQLite", store);
        }
        // A fresh file for the size and compaction measurements, so only their data is in it.
        Path compactDb = sqliteDir.resolve("compact").resolve("state.db");
        Files.createDirectories(compactDb.getParent());
        try (Store store = SqliteStore.open(compactDb)) {
            sqliteFileAndCompaction(store, compactDb);
        }
        List<URI> endpoints = Arrays.stream(etcd.split(",")).map(URI::create).toList();
        log("== etcd (" + endpoints + ")");
        try (Store store = EtcdStore.connect(endpoints)) {
            common("etcd", store);
        }
        printTable();
    }

    // ---------------------------------------------------------------- the shared measurements

    static void common(String backend, Store store) throws Exception {
        byte[] value = randomValue(1);
        // Warm-up: JIT, connection pools, etcd's gRPC channel. Not reported.
        timedWrites(store, "/bench/warmup/", 4, 1.0, value);

        LatencyRun w1 = timedWrites(store, "/bench/w1/", 1, writeSeconds, value);
        put("durable writes/s, 1 writer", backend, w1.perSecond(), "%,.0f");
        put("write latency p50 / p99, 1 writer (ms)", backend, w1.p(50) / 1e6,
                fmtMs(w1.p(50)) + " / " + fmtMs(w1.p(99)));
        LatencyRun w16 = timedWrites(store, "/bench/w16/", 16, writeSeconds, value);
        put("durable writes/s, 16 writers", backend, w16.perSecond(), "%,.0f");
        put("write latency p50 / p99, 16 writers (ms)", backend, w16.p(50) / 1e6,
                fmtMs(w16.p(50)) + " / " + fmtMs(w16.p(99)));

        // A populated set of rangeKeys keys, used for gets and for the range.
        String prefix = "/bench/range/";
        populate(store, prefix, rangeKeys, value);
        for (int readers : new int[] {2, 4}) {
            double gets = timedGets(store, prefix, rangeKeys, readers, readSeconds);
            put("gets/s, " + readers + " reader threads", backend, gets, "%,.0f");
        }
        long[] rangeNanos = new long[rangeRepeats];
        for (int i = 0; i < rangeRepeats; i++) {
            long t0 = System.nanoTime();
            RangeResult r = store.range(prefix, RangeOptions.all());
            rangeNanos[i] = System.nanoTime() - t0;
            if (r.kvs().size() != rangeKeys) {
                throw new IllegalStateException("range returned " + r.kvs().size() + " keys, expected " + rangeKeys);
            }
        }
        Arrays.sort(rangeNanos);
        long median = rangeNanos[rangeRepeats / 2];
        put("range of " + String.format(Locale.ROOT, "%,d", rangeKeys) + " keys, median of " + rangeRepeats + " (ms)",
                backend, median / 1e6, "%,.1f");

        long[] watch = watchLatency(store, value);
        put("watch delivery p50 / p99 (ms), from write start, " + watchRatePerSecond + " writes/s", backend,
                watch[0] / 1e6, fmtMs(watch[0]) + " / " + fmtMs(watch[1]));
    }

    /** {@code threads} writers creating distinct keys for {@code seconds}. */
    static LatencyRun timedWrites(Store store, String prefix, int threads, double seconds, byte[] value)
            throws InterruptedException {
        log(String.format(Locale.ROOT, "  writes: %d writer(s), %.0f s under %s", threads, seconds, prefix));
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        Latencies[] lat = new Latencies[threads];
        Thread[] ts = new Thread[threads];
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Latencies l = lat[t] = new Latencies();
            int id = t;
            ts[t] = Thread.ofPlatform().start(() -> {
                await(start);
                for (long i = 0; ; i++) {
                    long t0 = System.nanoTime();
                    if (t0 >= deadline) {
                        break;
                    }
                    store.create(prefix + id + "/" + i, value);
                    l.add(System.nanoTime() - t0);
                }
            });
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        return new LatencyRun(Latencies.merge(lat), elapsed);
    }

    /** Creates {@code count} keys {@code prefix + %08d} with 16 writers. */
    static void populate(Store store, String prefix, int count, byte[] value) throws InterruptedException {
        log("  populating " + count + " keys under " + prefix);
        AtomicLong next = new AtomicLong();
        Thread[] ts = new Thread[16];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                long i;
                while ((i = next.getAndIncrement()) < count) {
                    store.create(key(prefix, i), value);
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    static String key(String prefix, long i) {
        return prefix + String.format(Locale.ROOT, "%08d", i);
    }

    static double timedGets(Store store, String prefix, int count, int threads, double seconds)
            throws InterruptedException {
        log(String.format(Locale.ROOT, "  gets: %d reader thread(s), %.0f s", threads, seconds));
        // Keys precomputed so formatting does not count against the store.
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = key(prefix, i);
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong ops = new AtomicLong();
        Thread[] ts = new Thread[threads];
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                await(start);
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                long n = 0;
                while (true) {
                    for (int k = 0; k < 64; k++) {
                        if (store.get(keys[rnd.nextInt(count)]).isEmpty()) {
                            throw new IllegalStateException("populated key missing");
                        }
                    }
                    n += 64;
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                }
                ops.addAndGet(n);
            });
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        return ops.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * A prefix watch while 4 paced writers create keys at {@code watchRatePerSecond} in all; the
     * latency of each event is from just before its create call to the listener's receipt.
     * Returns {p50, p99} in nanoseconds.
     */
    static long[] watchLatency(Store store, byte[] value) throws InterruptedException {
        String prefix = "/bench/watch/";
        log(String.format(Locale.ROOT, "  watch: %d writes/s for %.0f s", watchRatePerSecond, watchSeconds));
        Map<String, Long> started = new ConcurrentHashMap<>();
        Latencies lat = new Latencies();
        AtomicLong received = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        WatchListener listener = new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                long now = System.nanoTime();
                synchronized (lat) {
                    for (WatchEvent e : events) {
                        Long t0 = started.get(e.key());
                        if (t0 != null) {
                            lat.add(now - t0);
                        }
                    }
                }
                received.addAndGet(events.size());
            }

            @Override
            public void onClose(StoreException cause) {
                if (cause != null) {
                    failed.set(true);
                    log("  watch failed: " + cause);
                }
            }
        };
        int writers = 4;
        long total = (long) (watchRatePerSecond * watchSeconds);
        long intervalNanos = (long) (1e9 * writers / watchRatePerSecond);
        try (Watch w = store.watch(prefix, store.currentRevision(), listener)) {
            Thread[] ts = new Thread[writers];
            long begin = System.nanoTime() + 50_000_000L;
            for (int t = 0; t < writers; t++) {
                int id = t;
                ts[t] = Thread.ofPlatform().start(() -> {
                    // Staggered, fixed schedule: a slow write does not delay the ones after it more
                    // than it has to (no catch-up bursts beyond the schedule).
                    long next = begin + id * intervalNanos / writers;
                    for (long i = 0; i < total / writers; i++) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            sleepNanos(wait);
                        }
                        String k = prefix + id + "/" + i;
                        started.put(k, System.nanoTime());
                        store.create(k, value);
                        next += intervalNanos;
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            long expected = (total / writers) * writers;
            long until = System.nanoTime() + 10_000_000_000L;
            while (received.get() < expected && System.nanoTime() < until && !failed.get()) {
                Thread.sleep(5);
            }
            if (received.get() < expected) {
                throw new IllegalStateException("watch received " + received.get() + " of " + expected + " events");
            }
        }
        synchronized (lat) {
            long[] a = lat.sorted();
            return new long[] {pct(a, 50), pct(a, 99)};
        }
    }

    // ------------------------------------------------------------ SQLite: file size, compaction

    static void sqliteFileAndCompaction(Store store, Path db) throws Exception {
        String backend = "SQLite";
        String prefix = "/bench/compact/";
        log("== SQLite file size and compaction: " + compactKeys + " keys, " + compactUpdates + " updates each");
        Random random = new Random(7);
        byte[][] values = new byte[compactUpdates + 1][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new byte[VALUE_BYTES];
            random.nextBytes(values[i]);
        }
        // Creates, then compactUpdates rounds of updates of every key, 16 writers each.
        long[] modRevisions = new long[compactKeys];
        for (int round = 0; round <= compactUpdates; round++) {
            int r = round;
            log("  round " + round + (round == 0 ? " (creates)" : " (updates)"));
            AtomicLong next = new AtomicLong();
            Thread[] ts = new Thread[16];
            for (int t = 0; t < ts.length; t++) {
                ts[t] = Thread.ofPlatform().start(() -> {
                    int i;
                    while ((i = (int) next.getAndIncrement()) < compactKeys) {
                        KeyValue kv = r == 0
                                ? store.create(key(prefix, i), values[0])
                                : store.update(key(prefix, i), values[r], modRevisions[i]);
                        modRevisions[i] = kv.modRevision();
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        long live = liveBytes(store);
        long before = fileBytes(db);
        put("live data: sum of key+value bytes of live keys (MiB)", backend, live / 1048576.0, "%,.1f");
        put("file (state.db + -wal) before compaction (MiB)", backend, before / 1048576.0,
                String.format(Locale.ROOT, "%,.1f = %s (%.2fx live)", before / 1048576.0, split(db),
                        (double) before / live));

        // Writers running before and during compaction at a steady PROBE_RATE writes/s in all;
        // each write's latency is recorded. They create distinct keys with small values so that
        // they add little live data (and no history) next to the compacted set. A stall of the
        // writer thread shows up in the writes queued behind it (at 1,000/s one arrives every ms).
        String probe = "/bench/probe/";
        byte[] small = Arrays.copyOf(values[0], 32);
        AtomicBoolean stopBefore = new AtomicBoolean();
        Thread[] beforeWriters = pacedWriters(store, probe + "before/", small, stopBefore);
        Latencies[] before0 = latenciesOf(beforeWriters);
        Thread.sleep(2000);
        stopBefore.set(true);
        for (Thread t : beforeWriters) {
            t.join();
        }
        long[] baseline = Latencies.merge(before0).sorted();

        log("  compacting to the current revision with " + PROBE_RATE + " writes/s running");
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] ts = pacedWriters(store, probe + "during/", small, stop);
        Latencies[] during = latenciesOf(ts);
        Thread.sleep(200);
        long c0 = System.nanoTime();
        store.compact(store.currentRevision());
        long compactNanos = System.nanoTime() - c0;
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        Latencies merged = Latencies.merge(during);
        Latencies startsMerged = Latencies.merge(Arrays.stream(ts).map(PROBE_STARTS::get).toArray(Latencies[]::new));
        // When, within the compaction, the slowest write started: the vacuum steps run last.
        int worst = 0;
        for (int i = 1; i < merged.n; i++) {
            if (merged.a[i] > merged.a[worst]) {
                worst = i;
            }
        }
        log(String.format(Locale.ROOT, "  slowest write started %.2f s into the %.2f s compaction",
                (startsMerged.a[worst] - c0) / 1e9, compactNanos / 1e9));
        long[] worstTimes = new long[merged.n];
        int slow = 0;
        for (int i = 0; i < merged.n; i++) {
            if (merged.a[i] > 50_000_000L) {
                worstTimes[slow++] = startsMerged.a[i] - c0;
            }
        }
        Arrays.sort(worstTimes, 0, slow);
        StringBuilder when = new StringBuilder();
        for (int i = 0; i < slow; i++) {
            when.append(String.format(Locale.ROOT, " %.1f", worstTimes[i] / 1e9));
        }
        log("  writes slower than 50 ms started at (s into compaction):" + when);
        long[] d = merged.sorted();
        put("compaction to current revision: duration (s)", backend, compactNanos / 1e9, "%,.2f");
        put("longest write during compaction (ms), " + PROBE_RATE + " writes/s", backend, d[d.length - 1] / 1e6,
                String.format(Locale.ROOT, "%,.1f (p99 %s, %,d writes; before compaction: max %,.1f, p99 %s)",
                        d[d.length - 1] / 1e6, fmtMs(pct(d, 99)), d.length,
                        baseline[baseline.length - 1] / 1e6, fmtMs(pct(baseline, 99))));

        long liveAfter = liveBytes(store);
        long after = fileBytes(db);
        put("file (state.db + -wal) after compaction (MiB)", backend, after / 1048576.0,
                String.format(Locale.ROOT, "%,.1f = %s (%.2fx live %,.1f MiB)", after / 1048576.0, split(db),
                        (double) after / liveAfter, liveAfter / 1048576.0));
        numbers.computeIfAbsent("ratio after compaction", k -> new LinkedHashMap<>())
                .put(backend, (double) after / liveAfter);
        numbers.computeIfAbsent("max write during compaction ms", k -> new LinkedHashMap<>())
                .put(backend, d[d.length - 1] / 1e6);
    }

    static final int PROBE_RATE = 1000;
    static final Map<Thread, Latencies> PROBE_LATENCIES = new ConcurrentHashMap<>();
    /** The start time of each probe write, index-aligned with PROBE_LATENCIES. */
    static final Map<Thread, Latencies> PROBE_STARTS = new ConcurrentHashMap<>();

    /**
     * 4 writers creating keys under {@code prefix} at PROBE_RATE writes/s in all, on a fixed
     * schedule (a late write is not followed by a burst), until {@code stop}.
     */
    static Thread[] pacedWriters(Store store, String prefix, byte[] value, AtomicBoolean stop) {
        int writers = 4;
        long interval = 1_000_000_000L * writers / PROBE_RATE;
        long begin = System.nanoTime();
        Thread[] ts = new Thread[writers];
        for (int t = 0; t < writers; t++) {
            int id = t;
            Latencies l = new Latencies();
            Latencies st = new Latencies();
            ts[t] = Thread.ofPlatform().unstarted(() -> {
                long next = begin + id * interval / writers;
                for (long i = 0; !stop.get(); i++) {
                    long now = System.nanoTime();
                    if (next > now) {
                        sleepNanos(next - now);
                    } else if (now - next > interval) {
                        next = now; // fell behind (a slow write): skip the missed slots
                    }
                    long t0 = System.nanoTime();
                    store.create(prefix + id + "/" + i, value);
                    l.add(System.nanoTime() - t0);
                    st.add(t0);
                    next += interval;
                }
            });
            PROBE_LATENCIES.put(ts[t], l);
            PROBE_STARTS.put(ts[t], st);
            ts[t].start();
        }
        return ts;
    }

    static Latencies[] latenciesOf(Thread[] ts) {
        return Arrays.stream(ts).map(PROBE_LATENCIES::get).toArray(Latencies[]::new);
    }

    /** The sum of UTF-8 key bytes and value bytes of every live key, paged. */
    static long liveBytes(Store store) {
        long sum = 0;
        String token = null;
        do {
            RangeOptions o = RangeOptions.limit(5000);
            RangeResult r = store.range("/", token == null ? o : o.continueFrom(token));
            for (KeyValue kv : r.kvs()) {
                sum += kv.key().getBytes(StandardCharsets.UTF_8).length + kv.value().length;
            }
            token = r.continueToken();
        } while (token != null);
        return sum;
    }

    /** "db X + wal Y" in MiB. */
    static String split(Path db) throws IOException {
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        long w = Files.exists(wal) ? Files.size(wal) : 0;
        return String.format(Locale.ROOT, "db %,.1f + wal %,.1f", Files.size(db) / 1048576.0, w / 1048576.0);
    }

    static long fileBytes(Path db) throws IOException {
        long n = Files.size(db);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        if (Files.exists(wal)) {
            n += Files.size(wal);
        }
        return n;
    }

    // ------------------------------------------------------------------------------ output

    static void put(String metric, String backend, double number, String format) {
        String text = format.contains("%") ? String.format(Locale.ROOT, format, number) : format;
        results.computeIfAbsent(metric, k -> new LinkedHashMap<>()).put(backend, text);
        numbers.computeIfAbsent(metric, k -> new LinkedHashMap<>()).put(backend, number);
        log("    " + metric + " [" + backend + "]: " + text);
    }

    static void printTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| measurement | SQLite | etcd | SQLite / etcd |\n");
        sb.append("|---|---:|---:|---:|\n");
        for (var e : results.entrySet()) {
            Map<String, String> r = e.getValue();
            Map<String, Double> n = numbers.get(e.getKey());
            String ratio = "";
            if (n.containsKey("SQLite") && n.containsKey("etcd") && n.get("etcd") > 0) {
                ratio = String.format(Locale.ROOT, "%.2fx", n.get("SQLite") / n.get("etcd"));
            }
            sb.append("| ").append(e.getKey()).append(" | ").append(r.getOrDefault("SQLite", "n/a"))
                    .append(" | ").append(r.getOrDefault("etcd", "n/a")).append(" | ").append(ratio).append(" |\n");
        }
        sb.append("\n");
        sb.append("Ratio column: SQLite figure divided by etcd figure (for latencies and times the p50 / median"
                + " is divided; lower is better there, higher is better for rates).\n\n");

        double w16s = numbers.get("durable writes/s, 16 writers").get("SQLite");
        double w16e = numbers.get("durable writes/s, 16 writers").get("etcd");
        double gets = Math.max(numbers.get("gets/s, 2 reader threads").get("SQLite"),
                numbers.get("gets/s, 4 reader threads").get("SQLite"));
        double maxStall = numbers.get("max write during compaction ms").get("SQLite");
        double ratio = numbers.get("ratio after compaction").get("SQLite");
        sb.append("| target | figure | result |\n|---|---|---|\n");
        target(sb, "SQLite >= 3,000 durable writes/s with 16 writers",
                String.format(Locale.ROOT, "%,.0f/s", w16s), w16s >= 3000);
        target(sb, "SQLite >= etcd, 16 writers, same run",
                String.format(Locale.ROOT, "%,.0f/s vs %,.0f/s", w16s, w16e), w16s >= w16e);
        target(sb, "SQLite >= 50,000 gets/s (best of 2 and 4 reader threads)",
                String.format(Locale.ROOT, "%,.0f/s", gets), gets >= 50_000);
        target(sb, "compaction never blocks a writer > 100 ms",
                String.format(Locale.ROOT, "longest write %.1f ms", maxStall), maxStall <= 100);
        target(sb, "SQLite file within 2x live data after compaction",
                String.format(Locale.ROOT, "%.2fx", ratio), ratio <= 2.0);
        System.out.print(sb);
        System.out.flush();
    }

    static void target(StringBuilder sb, String name, String figure, boolean pass) {
        sb.append("| ").append(name).append(" | ").append(figure).append(" | ").append(pass ? "PASS" : "**FAIL**")
                .append(" |\n");
    }

    // ----------------------------------------------------------------------------- helpers

    static final class Latencies {
        long[] a = new long[1 << 12];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(a, n);
            Arrays.sort(s);
            return s;
        }

        static Latencies merge(Latencies[] parts) {
            Latencies m = new Latencies();
            for (Latencies p : parts) {
                for (int i = 0; i < p.n; i++) {
                    m.add(p.a[i]);
                }
            }
            return m;
        }
    }

    record LatencyRun(long[] sorted, long elapsedNanos) {
        LatencyRun(Latencies l, long elapsedNanos) {
            this(l.sorted(), elapsedNanos);
        }

        double perSecond() {
            return sorted.length / (elapsedNanos / 1e9);
        }

        long p(double q) {
            return pct(sorted, q);
        }

        long max() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }
    }

    static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String fmtMs(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    static byte[] randomValue(long seed) {
        byte[] v = new byte[VALUE_BYTES];
        new Random(seed).nextBytes(v);
        return v;
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    static void log(String s) {
        System.err.println(s);
    }
}
