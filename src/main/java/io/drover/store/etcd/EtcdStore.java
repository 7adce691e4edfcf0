package io.drover.store.etcd;

import static io.drover.store.etcd.EtcdCodec.bytes;

import io.drover.store.CompactedException;
import io.drover.store.ConflictException;
import io.drover.store.ContinueToken;
import io.drover.store.FutureRevisionException;
import io.drover.store.KeyExistsException;
import io.drover.store.KeyValue;
import io.drover.store.Keys;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import io.drover.store.StoreUnavailableException;
import io.drover.store.ValueTooLargeException;
import io.drover.store.Watch;
import io.drover.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The store on an etcd cluster, through jetcd. Revisions are etcd's own, so a fresh etcd starts at
 * revision 1, not 0. Every write is one etcd transaction whose compare is the store's precondition
 * and whose else-branch reads the key, so a failed write names the revision that beat it without a
 * second round trip.
 */
public final class EtcdStore implements Store {

    /**
     * jetcd keeps gRPC's 4 MiB inbound limit, which a range over large values or a watch replaying
     * several 1.5 MiB values with their previous values would exceed.
     */
    private static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;

    /** Physical compaction waits for the backend to drop the history, which takes longer. */
    private static final Duration COMPACT_TIMEOUT = Duration.ofSeconds(60);

    /** A key no drover key sorts before; the start of a range over every key. */
    private static final String LOWEST_KEY = "\0";

    private final Client client;
    private final KV kv;
    private final String description;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The highest compaction this client made or heard of; a fallback when etcd won't say. */
    private final AtomicLong knownCompactedRevision = new AtomicLong();

    private EtcdStore(Client client, String description) {
        this.client = client;
        this.kv = client.getKVClient();
        this.description = description;
    }

    /**
     * Connects to the etcd cluster at {@code endpoints} and checks that it answers.
     *
     * @throws StoreUnavailableException when it does not answer within the request timeout
     */
    public static EtcdStore connect(List<URI> endpoints) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: " + endpoints + " (expected: at least one etcd URL)");
        }
        Client client = Client.builder()
                .endpoints(endpoints.toArray(URI[]::new))
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .connectTimeout(EtcdErrors.REQUEST_TIMEOUT)
                .build();
        EtcdStore store = new EtcdStore(client, "etcd " + endpoints);
        try {
            store.currentRevision();
        } catch (RuntimeException e) {
            client.close();
            throw new StoreUnavailableException("etcd at " + endpoints + " does not answer: " + e.getMessage(), e);
        }
        return store;
    }

    @Override
    public long currentRevision() {
        // A count-only read of one key is the cheapest request that carries the header revision.
        GetResponse response = call("read the current revision",
                () -> kv.get(bytes(LOWEST_KEY), GetOption.builder().withCountOnly(true).build()));
        return response.getHeader().getRevision();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireKey(key);
        GetResponse response = call("get " + key, () -> kv.get(bytes(key)));
        return first(response);
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        Keys.requireKey(key);
        requirePositive("revision", revision);
        GetResponse response = readAt(revision, key, "get " + key + " at revision " + revision,
                () -> kv.get(bytes(key), GetOption.builder().withRevision(revision).build()));
        return first(response);
    }

    @Override
    public RangeResult range(String prefix, RangeOptions options) {
        Keys.requirePrefix(prefix);
        long revision = options.revision();
        String start = prefix.isEmpty() ? LOWEST_KEY : prefix;
        if (options.continueToken() != null) {
            ContinueToken token = ContinueToken.decode(options.continueToken());
            // A continued range stays at the revision of its first page, whatever else was asked.
            revision = token.readRevision();
            // The smallest key after the last one returned.
            start = token.startAfterKey(prefix) + "\0";
        }
        String end = Keys.prefixEnd(prefix);
        // Left unsorted on purpose: etcd returns keys in byte order anyway, and an explicit sort
        // makes etcd 3.4 read the whole range before applying the limit.
        GetOption.Builder get = GetOption.builder()
                .withRange(bytes(end == null ? LOWEST_KEY : end))
                .withLimit(options.limit())
                .withRevision(revision);
        long atRevision = revision;
        String startKey = start;
        GetResponse response = revision == 0
                ? call("range " + prefix, () -> kv.get(bytes(startKey), get.build()))
                : readAt(revision, startKey, "range " + prefix + " at revision " + revision,
                        () -> kv.get(bytes(startKey), get.build()));
        List<KeyValue> kvs = response.getKvs().stream().map(EtcdCodec::keyValue).toList();
        long resultRevision = atRevision == 0 ? response.getHeader().getRevision() : atRevision;
        long remaining = response.getCount() - kvs.size();
        String next = response.isMore() && !kvs.isEmpty()
                ? ContinueToken.after(prefix, kvs.get(kvs.size() - 1).key(), resultRevision).encode()
                : null;
        return new RangeResult(kvs, resultRevision, next, next == null ? 0 : remaining);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        Keys.requireKey(key);
        ValueTooLargeException.check(key, value);
        byte[] copy = value.clone();
        ByteSequence k = bytes(key);
        TxnResponse response = write(key, copy, "create " + key, () -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, bytes(copy), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        if (!response.isSucceeded()) {
            throw new KeyExistsException(key, modRevisionOf(response));
        }
        long revision = response.getHeader().getRevision();
        return new KeyValue(key, copy, revision, revision, 1);
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision) {
        Keys.requireKey(key);
        // etcd compares a missing key's modRevision as 0: an expectation of 0 would create the key.
        requirePositive("expectedModRevision", expectedModRevision);
        ValueTooLargeException.check(key, value);
        byte[] copy = value.clone();
        ByteSequence k = bytes(key);
        TxnResponse response = write(key, copy, "update " + key, () -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, bytes(copy), PutOption.builder().withPrevKV().build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        if (!response.isSucceeded()) {
            throw new ConflictException(key, expectedModRevision, modRevisionOf(response));
        }
        io.etcd.jetcd.KeyValue previous = response.getPutResponses().get(0).getPrevKv();
        long revision = response.getHeader().getRevision();
        return new KeyValue(key, copy, previous.getCreateRevision(), revision, previous.getVersion() + 1);
    }

    @Override
    public long delete(String key, long expectedModRevision) {
        Keys.requireKey(key);
        requirePositive("expectedModRevision", expectedModRevision);
        ByteSequence k = bytes(key);
        TxnResponse response = call("delete " + key, () -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        if (!response.isSucceeded()) {
            throw new ConflictException(key, expectedModRevision, modRevisionOf(response));
        }
        return response.getHeader().getRevision();
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Keys.requirePrefix(prefix);
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision: " + afterRevision + " (expected: >= 0)");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener: null (expected: a listener)");
        }
        ensureOpen();
        EtcdWatch watch = new EtcdWatch(prefix, afterRevision, listener, watches::remove);
        watches.add(watch);
        String end = Keys.prefixEnd(prefix);
        WatchOption option = WatchOption.builder()
                .withRange(bytes(end == null ? LOWEST_KEY : end))
                .withRevision(watch.startRevision())
                .withPrevKV(true)
                .withProgressNotify(true) // etcd's periodic progress, as kube-apiserver's watches ask for it
                .build();
        ByteSequence start = bytes(prefix.isEmpty() ? LOWEST_KEY : prefix);
        watch.start(w -> client.getWatchClient().watch(start, option, w));
        return watch;
    }

    @Override
    public void compact(long revision) {
        requirePositive("revision", revision);
        ensureOpen();
        try {
            EtcdErrors.await(kv.compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build()),
                    COMPACT_TIMEOUT, "compact to revision " + revision);
        } catch (StoreUnavailableException e) {
            if (EtcdErrors.isCompacted(e.getCause())) {
                return; // already compacted to this revision or a newer one
            }
            if (EtcdErrors.isFutureRevision(e.getCause())) {
                throw new FutureRevisionException(revision, currentRevision());
            }
            throw e;
        }
        knownCompactedRevision.accumulateAndGet(revision, Math::max);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.close();
        }
        try {
            // Listeners hear onClose before the client goes, so none is left waiting on it.
            for (EtcdWatch watch : List.copyOf(watches)) {
                watch.awaitEnded(EtcdErrors.REQUEST_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "EtcdStore[" + description + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private <T> T call(String what, Supplier<CompletableFuture<T>> request) {
        ensureOpen();
        return EtcdErrors.await(request.get(), what);
    }

    /** A read at {@code revision}, with etcd's revision errors turned into the store's. */
    private <T> T readAt(long revision, String key, String what, Supplier<CompletableFuture<T>> request) {
        try {
            return call(what, request);
        } catch (StoreUnavailableException e) {
            if (EtcdErrors.isCompacted(e.getCause())) {
                throw new CompactedException(revision, compactedRevision(key));
            }
            if (EtcdErrors.isFutureRevision(e.getCause())) {
                throw new FutureRevisionException(revision, currentRevision());
            }
            throw e;
        }
    }

    /** A write, with etcd's size limit turned into the store's (in case etcd's is the lower one). */
    private <T> T write(String key, byte[] value, String what, Supplier<CompletableFuture<T>> request) {
        try {
            return call(what, request);
        } catch (StoreUnavailableException e) {
            if (EtcdErrors.isTooLarge(e.getCause())) {
                throw new ValueTooLargeException(key, value.length);
            }
            throw e;
        }
    }

    /**
     * etcd's compacted revision. A range error does not carry it, but a watch from revision 1
     * fails with it; that is only asked after a read found history compacted, so there is one.
     */
    private long compactedRevision(String key) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        io.etcd.jetcd.Watch.Watcher probe = client.getWatchClient().watch(bytes(key),
                WatchOption.builder().withRevision(1).build(),
                io.etcd.jetcd.Watch.listener(response -> {}, error -> {
                    Throwable cause = EtcdErrors.unwrap(error);
                    if (cause instanceof io.etcd.jetcd.common.exception.CompactedException c) {
                        answer.complete(c.getCompactedRevision());
                    } else {
                        answer.completeExceptionally(cause);
                    }
                }));
        try {
            long revision = EtcdErrors.await(answer, "report its compacted revision");
            return knownCompactedRevision.accumulateAndGet(revision, Math::max);
        } catch (StoreUnavailableException e) {
            return knownCompactedRevision.get();
        } finally {
            probe.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreUnavailableException(this + " is closed");
        }
    }

    private static Optional<KeyValue> first(GetResponse response) {
        return response.getKvs().isEmpty()
                ? Optional.empty()
                : Optional.of(EtcdCodec.keyValue(response.getKvs().get(0)));
    }

    /** The modRevision the else-branch read, or 0 when the key does not exist. */
    private static long modRevisionOf(TxnResponse failed) {
        List<io.etcd.jetcd.KeyValue> kvs = failed.getGetResponses().get(0).getKvs();
        return kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
