package io.drover.store;

import java.util.Objects;

/**
 * One change seen by a watch.
 *
 * @param type whether the key was written or deleted
 * @param revision the revision of the change
 * @param current the key-value after a {@link Type#PUT}; for a {@link Type#DELETE}, the deleted
 *     value with {@code modRevision} set to the deletion's revision
 * @param previous the key-value before the change, or null when the change created the key
 */
public record WatchEvent(Type type, long revision, KeyValue current, KeyValue previous) {

    /** The kind of change. */
    public enum Type {
        /** The key was created or updated. */
        PUT,
        /** The key was deleted. */
        DELETE
    }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(current, "current");
    }

    public String key() {
        return current.key();
    }

    /** True for a {@link Type#PUT} that created the key. */
    public boolean isCreate() {
        return type == Type.PUT && current.version() == 1;
    }
}
