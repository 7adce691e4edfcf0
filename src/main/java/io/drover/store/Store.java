package io.drover.store;

import java.util.Optional;

/**
 * The cluster state store: etcd's data model over a pluggable backend.
 *
 * <p>Every change gets the next value of one global revision. A key's {@link KeyValue} carries the
 * revision that created it, the revision of its last change and how many changes it has had since
 * it was created. Writes are compare-and-swap on the key's modification revision, so two writers
 * racing on one key can never both win. Readers can ask for the state at an older revision and
 * watchers can replay every change after one, until compaction removes that history.
 *
 * <p>Keys are non-empty strings; Kubernetes objects live under
 * {@code /registry/<resource>/<namespace>/<name>}. Values are opaque bytes of at most
 * {@link #MAX_VALUE_BYTES}.
 *
 * <p>All methods are thread-safe. Failures are reported as subclasses of {@link StoreException}.
 */
public interface Store extends AutoCloseable {

    /** The largest value the store accepts: 1.5 MiB, etcd's default request limit. */
    int MAX_VALUE_BYTES = 3 * 512 * 1024;

    /** The newest revision of the store; 0 for a store that never had a write. */
    long currentRevision();

    /** The current value of {@code key}, or empty when it does not exist. */
    Optional<KeyValue> get(String key);

    /**
     * The value of {@code key} as it was at {@code revision}.
     *
     * @throws CompactedException when {@code revision} is older than the compacted revision
     * @throws FutureRevisionException when {@code revision} is newer than the current revision
     */
    Optional<KeyValue> get(String key, long revision);

    /**
     * The keys that start with {@code prefix}, in byte order, as they were at one revision.
     *
     * @throws CompactedException when the requested (or continued) revision has been compacted
     * @throws InvalidContinueTokenException when the continue token is malformed or belongs to
     *     another prefix
     */
    RangeResult range(String prefix, RangeOptions options);

    /**
     * Creates {@code key}.
     *
     * @return the new key-value, whose create and modification revisions are the new revision
     * @throws KeyExistsException when the key exists
     * @throws ValueTooLargeException when the value exceeds {@link #MAX_VALUE_BYTES}
     */
    KeyValue create(String key, byte[] value);

    /**
     * Replaces the value of {@code key} if its modification revision is still {@code
     * expectedModRevision}.
     *
     * @return the new key-value
     * @throws ConflictException when the key changed since (or was deleted); it names the current
     *     modification revision
     * @throws ValueTooLargeException when the value exceeds {@link #MAX_VALUE_BYTES}
     */
    KeyValue update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes {@code key} if its modification revision is still {@code expectedModRevision}.
     *
     * @return the revision of the deletion
     * @throws ConflictException when the key changed since or does not exist
     */
    long delete(String key, long expectedModRevision);

    /**
     * Delivers every change of a key under {@code prefix} with a revision greater than {@code
     * afterRevision}, in revision order, each with the previous value, with no gap and no
     * duplicate, to {@code listener} until the returned watch is closed or the listener is told the
     * watch failed.
     *
     * <p>An {@code afterRevision} older than the compacted revision fails the watch with {@link
     * CompactedException} through {@link WatchListener#onClose}.
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /**
     * Drops the history before {@code revision}: afterwards, reads at an older revision and
     * watches from an older revision fail with {@link CompactedException}. The newest value of
     * every existing key is always kept. Compacting to an already compacted revision does nothing.
     *
     * @throws FutureRevisionException when {@code revision} is newer than the current revision
     */
    void compact(long revision);

    /** Releases the backend's resources; open watches end. */
    @Override
    void close();
}
