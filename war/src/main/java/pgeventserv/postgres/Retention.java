package pgeventserv.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Deletes durable events older than {@code DurableRetention}. Every instance runs it; a transaction-scoped advisory
 * lock (key 1885697651, 2) lets one at a time delete, the others skip that round. Deletes go in batches, each its
 * own short transaction, so a day's backlog never holds one long transaction open.
 */
public final class Retention {

    static final int BATCH_ROWS = 10_000;
    static final int MAX_BATCHES = 100;

    private final DurableConnections connections;
    private final DurableTable table;

    Retention(DurableConnections connections, DurableTable table) {
        this.connections = connections;
        this.table = table;
    }

    /** Rows deleted, or empty when another instance holds the lock. */
    public OptionalLong deleteOlderThan(Duration age) throws SQLException {
        long deleted = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            OptionalLong batch = deleteBatch(age);
            if (batch.isEmpty()) {
                return i == 0 ? OptionalLong.empty() : OptionalLong.of(deleted);
            }
            deleted += batch.getAsLong();
            if (batch.getAsLong() < BATCH_ROWS) {
                break;
            }
        }
        return OptionalLong.of(deleted);
    }

    private OptionalLong deleteBatch(Duration age) throws SQLException {
        try {
            OptionalLong deleted = connections.run(c -> deleteBatch(c, table.sql().retentionDelete(), age));
            table.worked();
            return deleted;
        } catch (SQLException e) {
            table.failed(e);
            throw e;
        }
    }

    private static OptionalLong deleteBatch(Connection c, String delete, Duration age) throws SQLException {
        c.setAutoCommit(false);
        SQLException failure = null;
        try {
            if (!locked(c)) {
                c.rollback();
                return OptionalLong.empty();
            }
            long deleted;
            try (PreparedStatement s = c.prepareStatement(delete)) {
                s.setDouble(1, age.toMillis() / 1000.0);
                s.setInt(2, BATCH_ROWS);
                deleted = s.executeUpdate();
            }
            c.commit();
            return OptionalLong.of(deleted);
        } catch (SQLException e) {
            failure = e;
            rollback(c);
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                // Only when nothing failed before: the first failure is the one to report.
                if (failure == null) {
                    throw e;
                }
            }
        }
    }

    /** A rollback on a lost connection fails too: the first failure is the one to report. */
    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // Lost with the connection; the server rolls it back.
        }
    }

    private static boolean locked(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(1885697651, 2)");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getBoolean(1);
        }
    }
}
