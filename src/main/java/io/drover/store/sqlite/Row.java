package io.drover.store.sqlite;

import io.drover.store.KeyValue;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One row of the log table: a version of a key, or a tombstone that deleted it.
 *
 * @param id the revision of this change
 * @param prevRevision the row this one supersedes, 0 when none
 */
record Row(long id, String name, boolean deleted, long createRevision, long prevRevision, long version, byte[] value) {

    /** The columns every query selects, in the order {@link #read} expects. */
    static final String COLUMNS = "id, name, deleted, create_revision, prev_revision, version, value";

    static Row read(ResultSet rs) throws SQLException {
        byte[] value = rs.getBytes(7);
        return new Row(
                rs.getLong(1),
                rs.getString(2),
                rs.getInt(3) != 0,
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                value == null ? new byte[0] : value);
    }

    /** The key-value of a live row. */
    KeyValue toKeyValue() {
        return new KeyValue(name, value, createRevision, id, version);
    }
}
