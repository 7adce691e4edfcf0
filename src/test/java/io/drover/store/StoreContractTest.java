package io.drover.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link Store} backend must have. Each backend's test extends this class and
 * opens a real store. The tests share one store per class and keep apart by key prefix, so they
 * never assume an empty store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StoreContractTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    protected Store store;
    private String prefix;

    /** Opens the store under test; called once per class. */
    protected abstract Store openStore() throws Exception;

    /** Releases what {@link #openStore()} started, after the store was closed. */
    protected void cleanUp() throws Exception {}

    @BeforeAll
    void open() throws Exception {
        store = openStore();
    }

    @AfterAll
    void close() throws Exception {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            cleanUp();
        }
    }

    @BeforeEach
    void newPrefix() {
        prefix = "/test/" + UUID.randomUUID() + "/";
    }

    private String key(String name) {
        return prefix + name;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    // --- create, get, update, delete ---------------------------------------------------------

    @Test
    void createAssignsTheNextRevision() {
        long before = store.currentRevision();
        KeyValue kv = store.create(key("a"), bytes("one"));

        assertThat(kv.modRevision()).isGreaterThan(before);
        assertThat(kv.createRevision()).isEqualTo(kv.modRevision());
        assertThat(kv.version()).isEqualTo(1);
        assertThat(store.currentRevision()).isGreaterThanOrEqualTo(kv.modRevision());
        assertThat(store.get(key("a"))).contains(kv);
    }

    @Test
    void getOfMissingKeyIsEmpty() {
        assertThat(store.get(key("missing"))).isEmpty();
    }

    @Test
    void createFailsWhenKeyExists() {
        KeyValue kv = store.create(key("a"), bytes("one"));

        assertThatThrownBy(() -> store.create(key("a"), bytes("two")))
                .isInstanceOfSatisfying(KeyExistsException.class, e -> {
                    assertThat(e.modRevision()).isEqualTo(kv.modRevision());
                    assertThat(e.getMessage()).contains(key("a"));
                });
        assertThat(text(store.get(key("a")).orElseThrow())).isEqualTo("one");
    }

    @Test
    void updateWithCurrentModRevisionReplacesValue() {
        KeyValue created = store.create(key("a"), bytes("one"));
        KeyValue updated = store.update(key("a"), bytes("two"), created.modRevision());

        assertThat(updated.modRevision()).isGreaterThan(created.modRevision());
        assertThat(updated.createRevision()).isEqualTo(created.createRevision());
        assertThat(updated.version()).isEqualTo(2);
        assertThat(text(store.get(key("a")).orElseThrow())).isEqualTo("two");
    }

    @Test
    void updateWithStaleModRevisionFailsNamingTheCurrentOne() {
        KeyValue created = store.create(key("a"), bytes("one"));
        KeyValue updated = store.update(key("a"), bytes("two"), created.modRevision());

        assertThatThrownBy(() -> store.update(key("a"), bytes("three"), created.modRevision()))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.currentModRevision()).isEqualTo(updated.modRevision());
                    assertThat(e.expectedModRevision()).isEqualTo(created.modRevision());
                    assertThat(e.getMessage()).contains(String.valueOf(updated.modRevision()));
                });
        assertThat(text(store.get(key("a")).orElseThrow())).isEqualTo("two");
    }

    @Test
    void updateOfMissingKeyFails() {
        assertThatThrownBy(() -> store.update(key("missing"), bytes("x"), 1))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.keyMissing()).isTrue());
        assertThat(store.get(key("missing"))).isEmpty();
    }

    @Test
    void deleteWithCurrentModRevisionRemovesKey() {
        KeyValue created = store.create(key("a"), bytes("one"));
        long deletedAt = store.delete(key("a"), created.modRevision());

        assertThat(deletedAt).isGreaterThan(created.modRevision());
        assertThat(store.get(key("a"))).isEmpty();
        assertThat(store.currentRevision()).isGreaterThanOrEqualTo(deletedAt);
    }

    @Test
    void deleteWithStaleModRevisionFails() {
        KeyValue created = store.create(key("a"), bytes("one"));
        KeyValue updated = store.update(key("a"), bytes("two"), created.modRevision());

        assertThatThrownBy(() -> store.delete(key("a"), created.modRevision()))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.currentModRevision()).isEqualTo(updated.modRevision()));
        assertThat(store.get(key("a"))).isPresent();
    }

    @Test
    void deleteOfMissingKeyFails() {
        assertThatThrownBy(() -> store.delete(key("missing"), 5))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.keyMissing()).isTrue());
    }

    @Test
    void createAfterDeleteStartsANewIncarnation() {
        KeyValue first = store.create(key("a"), bytes("one"));
        store.update(key("a"), bytes("two"), first.modRevision());
        store.delete(key("a"), store.get(key("a")).orElseThrow().modRevision());
        KeyValue second = store.create(key("a"), bytes("three"));

        assertThat(second.version()).isEqualTo(1);
        assertThat(second.createRevision()).isEqualTo(second.modRevision()).isGreaterThan(first.createRevision());
    }

    @Test
    void revisionOnlyGrows() {
        long last = store.currentRevision();
        for (int i = 0; i < 20; i++) {
            KeyValue kv = store.create(key("k" + i), bytes("v"));
            assertThat(kv.modRevision()).isGreaterThan(last);
            last = kv.modRevision();
            assertThat(store.currentRevision()).isGreaterThanOrEqualTo(last);
        }
    }

    @Test
    void emptyValueIsKept() {
        store.create(key("empty"), new byte[0]);
        assertThat(store.get(key("empty")).orElseThrow().value()).isEmpty();
    }

    @Test
    void binaryValueRoundTrips() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        store.create(key("binary"), value);
        assertThat(store.get(key("binary")).orElseThrow().value()).isEqualTo(value);
    }

    // --- reads at a revision --------------------------------------------------------------------

    @Test
    void getAtAnOldRevisionSeesTheValueOfThen() {
        KeyValue one = store.create(key("a"), bytes("one"));
        KeyValue two = store.update(key("a"), bytes("two"), one.modRevision());
        long deletedAt = store.delete(key("a"), two.modRevision());

        assertThat(store.get(key("a"), one.modRevision())).contains(one);
        assertThat(store.get(key("a"), two.modRevision())).contains(two);
        assertThat(store.get(key("a"), deletedAt)).isEmpty();
        assertThat(store.get(key("a"), one.modRevision() - 1)).isEmpty();
    }

    @Test
    void readAtAFutureRevisionFails() {
        long future = store.currentRevision() + 1000;

        assertThatThrownBy(() -> store.get(key("a"), future)).isInstanceOf(FutureRevisionException.class);
        assertThatThrownBy(() -> store.range(prefix, RangeOptions.all().atRevision(future)))
                .isInstanceOf(FutureRevisionException.class);
    }

    // --- range ------------------------------------------------------------------------------------

    @Test
    void rangeReturnsOnlyKeysUnderThePrefixInKeyOrder() {
        store.create(key("b"), bytes("2"));
        store.create(key("a"), bytes("1"));
        store.create(key("c/nested"), bytes("3"));
        store.create(prefix.substring(0, prefix.length() - 1) + "x", bytes("sibling"));

        RangeResult result = store.range(prefix, RangeOptions.all());

        assertThat(result.kvs()).extracting(KeyValue::key).containsExactly(key("a"), key("b"), key("c/nested"));
        assertThat(result.hasMore()).isFalse();
        assertThat(result.remaining()).isZero();
        assertThat(result.revision()).isGreaterThanOrEqualTo(store.get(key("c/nested")).orElseThrow().modRevision());
    }

    @Test
    void rangeSkipsDeletedKeysAndShowsNewestValues() {
        KeyValue a = store.create(key("a"), bytes("1"));
        KeyValue b = store.create(key("b"), bytes("1"));
        store.update(key("a"), bytes("2"), a.modRevision());
        store.delete(key("b"), b.modRevision());

        RangeResult result = store.range(prefix, RangeOptions.all());

        assertThat(result.kvs()).hasSize(1);
        assertThat(text(result.kvs().get(0))).isEqualTo("2");
    }

    @Test
    void rangePagesStayAtTheRevisionOfTheFirstPage() {
        for (int i = 0; i < 10; i++) {
            store.create(key(String.format("k%02d", i)), bytes("v" + i));
        }
        RangeResult first = store.range(prefix, RangeOptions.limit(4));
        assertThat(first.kvs()).extracting(KeyValue::key).containsExactly(key("k00"), key("k01"), key("k02"), key("k03"));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.remaining()).isEqualTo(6);

        // Changes after the first page must not show in later pages.
        store.create(key("k05a"), bytes("late"));
        KeyValue k07 = store.get(key("k07")).orElseThrow();
        store.delete(key("k07"), k07.modRevision());

        List<String> keys = new ArrayList<>(first.kvs().stream().map(KeyValue::key).toList());
        String token = first.continueToken();
        int pages = 1;
        while (token != null) {
            RangeResult page = store.range(prefix, RangeOptions.limit(4).continueFrom(token));
            assertThat(page.revision()).isEqualTo(first.revision());
            page.kvs().forEach(kv -> keys.add(kv.key()));
            token = page.continueToken();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(keys).hasSize(10).doesNotContain(key("k05a")).contains(key("k07")).isSorted();
    }

    @Test
    void rangeAtAnOldRevision() {
        KeyValue a = store.create(key("a"), bytes("1"));
        store.create(key("b"), bytes("1"));
        store.update(key("a"), bytes("2"), a.modRevision());

        RangeResult old = store.range(prefix, RangeOptions.all().atRevision(a.modRevision()));

        assertThat(old.kvs()).containsExactly(a);
        assertThat(old.revision()).isEqualTo(a.modRevision());
    }

    @Test
    void rangeAtEachRevisionAcrossDeleteAndRecreateShowsTheKeysLiveThen() {
        KeyValue a1 = store.create(key("a"), bytes("a1"));
        KeyValue b1 = store.create(key("b"), bytes("b1"));
        KeyValue c1 = store.create(key("c"), bytes("c1"));
        KeyValue a2 = store.update(key("a"), bytes("a2"), a1.modRevision());
        long aDeleted = store.delete(key("a"), a2.modRevision());
        long bDeleted = store.delete(key("b"), b1.modRevision());
        KeyValue a3 = store.create(key("a"), bytes("a3"));
        KeyValue b2 = store.create(key("b"), bytes("b2"));
        long cDeleted = store.delete(key("c"), c1.modRevision());

        Map<Long, List<String>> expected = new LinkedHashMap<>();
        expected.put(a1.modRevision(), List.of("a1"));
        expected.put(b1.modRevision(), List.of("a1", "b1"));
        expected.put(c1.modRevision(), List.of("a1", "b1", "c1"));
        expected.put(a2.modRevision(), List.of("a2", "b1", "c1"));
        expected.put(aDeleted, List.of("b1", "c1"));
        expected.put(bDeleted, List.of("c1"));
        expected.put(a3.modRevision(), List.of("a3", "c1"));
        expected.put(b2.modRevision(), List.of("a3", "b2", "c1"));
        expected.put(cDeleted, List.of("a3", "b2"));
        expected.forEach((revision, values) -> {
            RangeResult all = store.range(prefix, RangeOptions.all().atRevision(revision));
            assertThat(all.kvs()).as("at revision %d", revision).extracting(StoreContractTest::text)
                    .containsExactlyElementsOf(values);
            RangeResult one = store.range(prefix, RangeOptions.limit(1).atRevision(revision));
            assertThat(one.kvs()).extracting(StoreContractTest::text)
                    .containsExactlyElementsOf(values.stream().limit(1).toList());
            assertThat(one.remaining()).as("remaining at revision %d", revision).isEqualTo(Math.max(0, values.size() - 1));
        });
    }

    @Test
    void aRangeThatDoesNotCountPagesAsOneThatDoes() {
        for (int i = 0; i < 5; i++) {
            store.create(key("k" + i), bytes("v" + i));
        }
        RangeResult counted = store.range(prefix, new RangeOptions(2, 0, null, true));
        RangeResult uncounted = store.range(prefix, new RangeOptions(2, counted.revision(), null, false));

        assertThat(counted.remaining()).isEqualTo(3);
        assertThat(uncounted.kvs()).extracting(KeyValue::key).containsExactly(key("k0"), key("k1"));
        assertThat(uncounted.continueToken()).isEqualTo(counted.continueToken());
        RangeResult rest = store.range(prefix, new RangeOptions(5, 0, uncounted.continueToken(), false));
        assertThat(rest.kvs()).extracting(KeyValue::key).containsExactly(key("k2"), key("k3"), key("k4"));
        assertThat(rest.hasMore()).isFalse();
    }

    @Test
    void rangeWithLimitExactlyTheSizeHasNoContinue() {
        store.create(key("a"), bytes("1"));
        store.create(key("b"), bytes("1"));

        RangeResult result = store.range(prefix, RangeOptions.limit(2));

        assertThat(result.kvs()).hasSize(2);
        assertThat(result.hasMore()).isFalse();
    }

    @Test
    void malformedContinueTokenFails() {
        assertThatThrownBy(() -> store.range(prefix, RangeOptions.limit(1).continueFrom("not a token!")))
                .isInstanceOf(InvalidContinueTokenException.class)
                .hasMessage("continue key is not valid: illegal base64 data at input byte 3"); // Go's words
        assertThatThrownBy(() -> store.range(prefix, RangeOptions.limit(1).continueFrom("abcde")))
                .hasMessage("continue key is not valid: illegal base64 data at input byte 4");
        assertThatThrownBy(() -> store.range(prefix, RangeOptions.limit(1).continueFrom("eHl6")))
                .isInstanceOf(InvalidContinueTokenException.class);
    }

    // --- concurrency ------------------------------------------------------------------------------

    @Test
    void concurrentCompareAndSwapWritersLoseNoUpdate() throws Exception {
        String counter = key("counter");
        store.create(counter, bytes("0"));
        int writers = 16;
        int incrementsEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                conflicts.add(pool.submit(() -> {
                    int lost = 0;
                    for (int i = 0; i < incrementsEach; ) {
                        KeyValue current = store.get(counter).orElseThrow();
                        int next = Integer.parseInt(text(current)) + 1;
                        try {
                            store.update(counter, bytes(Integer.toString(next)), current.modRevision());
                            i++;
                        } catch (ConflictException e) {
                            lost++;
                        }
                    }
                    return lost;
                }));
            }
            int totalConflicts = 0;
            for (Future<Integer> f : conflicts) {
                totalConflicts += f.get();
            }
            KeyValue result = store.get(counter).orElseThrow();
            assertThat(text(result)).isEqualTo(Integer.toString(writers * incrementsEach));
            assertThat(result.version()).isEqualTo(writers * incrementsEach + 1L);
            // 16 threads on one key must have raced at least once, or the test proves nothing.
            assertThat(totalConflicts).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesOfOneKeyHaveOneWinner() throws Exception {
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    try {
                        store.create(key("contended"), bytes("racer" + n));
                        return true;
                    } catch (KeyExistsException e) {
                        return false;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // --- watch ------------------------------------------------------------------------------------

    @Test
    void watchDeliversEveryChangeWithThePreviousValue() {
        RecordingListener listener = new RecordingListener();
        try (Watch ignored = store.watch(prefix, store.currentRevision(), listener)) {
            KeyValue one = store.create(key("a"), bytes("one"));
            KeyValue two = store.update(key("a"), bytes("two"), one.modRevision());
            long deletedAt = store.delete(key("a"), two.modRevision());

            await().atMost(WAIT).until(() -> listener.events.size() == 3);
            List<WatchEvent> events = listener.events;

            assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.PUT);
            assertThat(events.get(0).isCreate()).isTrue();
            assertThat(events.get(0).current()).isEqualTo(one);
            assertThat(events.get(0).previous()).isNull();

            assertThat(events.get(1).type()).isEqualTo(WatchEvent.Type.PUT);
            assertThat(events.get(1).current()).isEqualTo(two);
            assertThat(events.get(1).previous()).isEqualTo(one);

            assertThat(events.get(2).type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(events.get(2).revision()).isEqualTo(deletedAt);
            assertThat(events.get(2).current().key()).isEqualTo(key("a"));
            assertThat(events.get(2).current().modRevision()).isEqualTo(deletedAt);
            assertThat(events.get(2).previous()).isEqualTo(two);
        }
        assertThat(listener.brokeContract()).isFalse();
    }

    @Test
    void watchSeesOnlyItsPrefix() {
        RecordingListener listener = new RecordingListener();
        try (Watch ignored = store.watch(prefix + "in/", store.currentRevision(), listener)) {
            store.create(key("out"), bytes("x"));
            store.create(key("in/1"), bytes("x"));
            store.create(key("inx"), bytes("x"));
            KeyValue last = store.create(key("in/2"), bytes("x"));

            await().atMost(WAIT).until(() -> listener.revisions().contains(last.modRevision()));
            assertThat(listener.events).extracting(WatchEvent::key).containsExactly(key("in/1"), key("in/2"));
        }
    }

    /**
     * A quiet watch learns, when it asks, how far the store has got under other keys: what a bookmark tells its
     * client, so that it resumes from a revision not yet compacted away (fuzz round 23: bookmarks kept the watch's
     * start revision, and quiet informers had to relist after every compaction).
     */
    @Test
    void aQuietWatchIsToldTheStoresProgressWhenItAsks() {
        RecordingListener listener = new RecordingListener();
        try (Watch watch = store.watch(prefix + "quiet/", store.currentRevision(), listener)) {
            KeyValue elsewhere = store.create(key("elsewhere"), bytes("x"));

            await().atMost(WAIT).untilAsserted(() -> {
                watch.requestProgress();
                assertThat(listener.progress.get()).isGreaterThanOrEqualTo(elsewhere.modRevision());
            });
            assertThat(listener.events).isEmpty();
        }
        assertThat(listener.brokeContract()).isFalse();
    }

    @Test
    void watchFromAnOldRevisionReplaysHistoryThenLiveChanges() {
        KeyValue a = store.create(key("a"), bytes("1"));
        KeyValue b = store.create(key("b"), bytes("1"));
        KeyValue a2 = store.update(key("a"), bytes("2"), a.modRevision());

        RecordingListener listener = new RecordingListener();
        try (Watch ignored = store.watch(prefix, a.modRevision(), listener)) {
            KeyValue c = store.create(key("c"), bytes("1"));
            await().atMost(WAIT).until(() -> listener.events.size() == 3);
            assertThat(listener.revisions()).containsExactly(b.modRevision(), a2.modRevision(), c.modRevision());
            assertThat(listener.events.get(1).previous()).isEqualTo(a);
        }
    }

    @Test
    void watchFromAnOldRevisionUnderConcurrentWritesHasNoGapAndNoDuplicate() throws Exception {
        int writers = 4;
        int writesEach = 150;
        ConcurrentLinkedQueue<Long> written = new ConcurrentLinkedQueue<>();
        long start = store.currentRevision();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicBoolean watchStarted = new AtomicBoolean();
        RecordingListener listener = new RecordingListener();
        Watch watch = null;
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    KeyValue kv = store.create(key("w" + writer), bytes("0"));
                    written.add(kv.modRevision());
                    for (int i = 1; i < writesEach; i++) {
                        kv = store.update(kv.key(), bytes(Integer.toString(i)), kv.modRevision());
                        written.add(kv.modRevision());
                    }
                    return null;
                }));
            }
            // Start the watch from the old revision while the writers are half way.
            await().atMost(WAIT).until(() -> written.size() >= writers * writesEach / 2);
            watch = store.watch(prefix, start, listener);
            watchStarted.set(true);
            for (Future<?> f : done) {
                f.get();
            }
            await().atMost(WAIT).until(() -> listener.events.size() >= writers * writesEach);

            List<Long> expected = written.stream().sorted().toList();
            assertThat(listener.revisions()).containsExactlyElementsOf(expected);
            // Every event's previous value is the version just before it.
            for (WatchEvent e : listener.events) {
                if (e.current().version() > 1) {
                    assertThat(e.previous()).isNotNull();
                    assertThat(e.previous().version()).isEqualTo(e.current().version() - 1);
                }
            }
            assertThat(listener.brokeContract()).isFalse();
        } finally {
            pool.shutdownNow();
            if (watch != null) {
                watch.close();
            }
        }
        assertThat(watchStarted).isTrue();
    }

    @Test
    void closedWatchStopsAndReportsACleanClose() {
        RecordingListener listener = new RecordingListener();
        Watch watch = store.watch(prefix, store.currentRevision(), listener);
        KeyValue first = store.create(key("a"), bytes("1"));
        await().atMost(WAIT).until(() -> listener.events.size() == 1);

        watch.close();
        watch.close();
        await().atMost(WAIT).until(listener::isClosed);
        assertThat(listener.closeCause.get()).isNull();

        store.update(key("a"), bytes("2"), first.modRevision());
        // A second watch that sees the update proves it was dispatched while the first was closed.
        RecordingListener marker = new RecordingListener();
        try (Watch ignored = store.watch(prefix, first.modRevision(), marker)) {
            await().atMost(WAIT).until(() -> marker.events.size() == 1);
        }
        assertThat(listener.events).hasSize(1);
        assertThat(listener.brokeContract()).isFalse();
    }

    // --- compaction -------------------------------------------------------------------------------

    @Test
    void compactionRemovesOldHistoryButKeepsNewestValues() {
        KeyValue a = store.create(key("a"), bytes("1"));
        KeyValue a2 = store.update(key("a"), bytes("2"), a.modRevision());
        KeyValue b = store.create(key("b"), bytes("1"));
        store.delete(key("b"), b.modRevision());
        KeyValue c = store.create(key("c"), bytes("1"));
        long compactAt = store.currentRevision();

        store.compact(compactAt);

        assertThatThrownBy(() -> store.get(key("a"), a.modRevision()))
                .isInstanceOfSatisfying(CompactedException.class,
                        e -> assertThat(e.compactedRevision()).isEqualTo(compactAt));
        assertThatThrownBy(() -> store.range(prefix, RangeOptions.all().atRevision(a.modRevision())))
                .isInstanceOf(CompactedException.class);
        assertThat(store.get(key("a"))).contains(a2);
        assertThat(store.get(key("b"))).isEmpty();
        assertThat(store.range(prefix, RangeOptions.all()).kvs()).containsExactly(a2, c);
        assertThat(store.range(prefix, RangeOptions.all().atRevision(compactAt)).kvs()).containsExactly(a2, c);

        // Writes go on after compaction.
        KeyValue a3 = store.update(key("a"), bytes("3"), a2.modRevision());
        assertThat(a3.version()).isEqualTo(3);
        assertThat(a3.createRevision()).isEqualTo(a.createRevision());
    }

    @Test
    void watchFromACompactedRevisionFails() {
        KeyValue a = store.create(key("a"), bytes("1"));
        store.update(key("a"), bytes("2"), a.modRevision());
        long compactAt = store.currentRevision();
        store.compact(compactAt);

        RecordingListener listener = new RecordingListener();
        try (Watch ignored = store.watch(prefix, a.modRevision() - 1, listener)) {
            await().atMost(WAIT).until(listener::isClosed);
        }
        assertThat(listener.closeCause.get()).isInstanceOf(CompactedException.class);
        assertThat(listener.events).isEmpty();

        // From the compacted revision itself the watch works.
        RecordingListener fromCompaction = new RecordingListener();
        try (Watch ignored = store.watch(prefix, compactAt, fromCompaction)) {
            KeyValue b = store.create(key("b"), bytes("1"));
            await().atMost(WAIT).until(() -> fromCompaction.revisions().contains(b.modRevision()));
            assertThat(fromCompaction.isClosed()).isFalse();
        }
    }

    @Test
    void continueTokenOfACompactedRevisionFails() {
        store.create(key("a"), bytes("1"));
        store.create(key("b"), bytes("1"));
        RangeResult first = store.range(prefix, RangeOptions.limit(1));
        store.create(key("c"), bytes("1"));
        store.compact(store.currentRevision());

        assertThatThrownBy(() -> store.range(prefix, RangeOptions.limit(1).continueFrom(first.continueToken())))
                .isInstanceOf(CompactedException.class);
    }

    @Test
    void compactingTwiceOrToAnOlderRevisionIsHarmless() {
        store.create(key("a"), bytes("1"));
        long rev = store.currentRevision();
        store.compact(rev);
        store.compact(rev);
        store.compact(rev - 1);
        assertThat(store.get(key("a"))).isPresent();
    }

    @Test
    void compactingToAFutureRevisionFails() {
        assertThatThrownBy(() -> store.compact(store.currentRevision() + 1000))
                .isInstanceOf(FutureRevisionException.class);
    }

    // --- limits -----------------------------------------------------------------------------------

    @Test
    void valueAtTheLimitIsAccepted() {
        byte[] value = new byte[Store.MAX_VALUE_BYTES];
        KeyValue kv = store.create(key("big"), value);
        assertThat(store.get(key("big")).orElseThrow().value()).hasSize(Store.MAX_VALUE_BYTES);
        store.delete(key("big"), kv.modRevision());
    }

    @Test
    void valueOverTheLimitIsRefusedWithAClearError() {
        byte[] value = new byte[Store.MAX_VALUE_BYTES + 1];
        assertThatThrownBy(() -> store.create(key("huge"), value))
                .isInstanceOfSatisfying(ValueTooLargeException.class, e -> {
                    assertThat(e.size()).isEqualTo(Store.MAX_VALUE_BYTES + 1L);
                    assertThat(e.getMessage()).contains(key("huge")).contains("limit");
                });
        KeyValue small = store.create(key("huge"), bytes("small"));
        assertThatThrownBy(() -> store.update(key("huge"), value, small.modRevision()))
                .isInstanceOf(ValueTooLargeException.class);
        assertThat(store.get(key("huge"))).contains(small);
    }

    @Test
    void emptyKeyIsRefused() {
        assertThatThrownBy(() -> store.create("", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
