package io.drover.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.store.StoreUnavailableException;
import io.drover.testing.TempDirs;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A full database (SQLITE_FULL, as on a full disk) refuses writes with a 503-class error, and the writes after
 * space came back succeed: one failure wedged the writer until a restart (a failed COMMIT statement stayed
 * unusable and every later transaction found the last one open).
 */
class SqliteFullDiskIT {

    private static void setMaxPages(SqliteStore store, long pages) {
        store.writer().maintainOutsideTransaction(q -> {
            try (Statement s = q.connection().createStatement()) {
                s.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        });
    }

    private static long pageCount(SqliteStore store) {
        return store.writer().maintainOutsideTransaction(q -> {
            try (Statement s = q.connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void writesSucceedAgainOnceSpaceIsBack() throws Exception {
        Path dir = TempDirs.create("drover-sqlite-full");
        try (SqliteStore store = SqliteStore.open(dir.resolve("state.db"))) {
            store.create("/registry/a", new byte[100]);
            // No room to grow: the database is as full as a full disk leaves it.
            setMaxPages(store, pageCount(store));
            byte[] big = new byte[64 * 1024];
            assertThatThrownBy(() -> store.create("/registry/big", big))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLITE_FULL");
            assertThatThrownBy(() -> store.create("/registry/big2", big))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SQLITE_FULL");

            setMaxPages(store, 1_000_000);

            long revision = store.create("/registry/big", big).modRevision();
            assertThat(store.update("/registry/big", new byte[10], revision).value()).hasSize(10);
            assertThat(store.get("/registry/a")).isPresent();
        }
    }
}
