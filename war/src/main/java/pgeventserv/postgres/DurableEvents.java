package pgeventserv.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads {@code pg_eventserv.events}, in position order, in batches, each on a connection borrowed from the pool
 * for that one query: never the LISTEN connection, and never on the listener thread (a large batch would stall
 * it; callers hand the reading to another thread).
 *
 * <p>Every position at or below one that a reference named is committed (positions are given in commit order
 * under one lock), so a read up to a reference's last position is complete. A batch holds at most
 * {@link #BATCH_ROWS} rows and stops once its payloads reach the byte budget (one row always comes, however
 * large), so memory per read stays bounded with megabyte payloads.
 *
 * <p>Failures are logged by the {@link DurableTable}, once per change, and thrown: the caller turns them into a gap.
 */
public final class DurableEvents {

    static final int BATCH_ROWS = 500;

    // The running byte count stops the page early; octet_length of a stored (toasted) payload does not read it.
    private static final String PAGE = """
            SELECT position, channel, payload, time FROM (
              SELECT position, channel, payload, time,
                     sum(octet_length(payload)) OVER (ORDER BY position ROWS UNBOUNDED PRECEDING) - octet_length(payload) AS bytes_before
                FROM pg_eventserv.events
               WHERE position > ? AND position <= ? %s
               ORDER BY position
               LIMIT ?) page
             WHERE bytes_before < ?
             ORDER BY position""";
    private static final String PAGE_OF_CHANNELS = PAGE.formatted("AND channel = ANY (?)");
    private static final String PAGE_OF_ALL = PAGE.formatted("");

    private final DurableConnections connections;
    private final long batchBytes;
    private final DurableTable table;
    private final LongAdder reads = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder rows = new LongAdder();

    /** {@code batchBytes}: the payload bytes a batch stops at, {@code DurableMaxPayloadBytes}. */
    DurableEvents(DurableConnections connections, long batchBytes, DurableTable table) {
        this.connections = connections;
        this.batchBytes = batchBytes;
        this.table = table;
    }

    /**
     * The next batch of events of these channels (null: of every channel) with {@code after < position <= upTo},
     * in position order; empty when there are none. Continue from the last one's position until a batch comes back
     * empty or reaches {@code upTo}.
     */
    public List<DurableEvent> batch(Collection<String> channels, long after, long upTo) throws SQLException {
        List<DurableEvent> events = new ArrayList<>();
        if (channels != null && channels.isEmpty() || upTo <= after) {
            return events;
        }
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(channels == null ? PAGE_OF_ALL : PAGE_OF_CHANNELS)) {
                int i = 1;
                s.setLong(i++, after);
                s.setLong(i++, upTo);
                if (channels != null) {
                    s.setArray(i++, c.createArrayOf("text", channels.toArray()));
                }
                s.setInt(i++, BATCH_ROWS);
                s.setLong(i, batchBytes);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        events.add(new DurableEvent(r.getLong(1), r.getString(2), r.getString(3),
                                r.getObject(4, OffsetDateTime.class).toInstant()));
                    }
                }
                rows.add(events.size());
                return events;
            }
        });
    }

    /**
     * Every event in a reference's range, of whatever channel, batch by batch, in position order: the rows of one
     * transaction's other channels come with it (their own references may come later, in another read of the
     * notifications).
     *
     * <p>Each batch asks for a window of at most {@link #BATCH_ROWS} positions, not the rest of the range with a
     * row limit: the newest positions are in no statistics yet, and with a low estimate the planner may take an
     * open range as a scan and sort of all of it, once per batch (seen on a table not analyzed yet: 10,000 rows
     * sorted for each batch of 500 of a 20,000-row transaction). Positions can have holes (a commit that failed
     * after taking its positions): an empty window only moves the read on.
     */
    public List<DurableEvent> read(DurableReference reference) throws SQLException {
        List<DurableEvent> all = new ArrayList<>();
        long after = reference.first() - 1;
        while (after < reference.last()) {
            long end = Math.min(reference.last(), after + BATCH_ROWS);
            List<DurableEvent> batch = batch(null, after, end);
            all.addAll(batch);
            // A batch cut short by the byte budget goes on from its last row; one row always comes when any is there.
            after = batch.isEmpty() ? end : batch.get(batch.size() - 1).position();
        }
        return all;
    }

    /** Whether the schema is known not to be installed (the last query said so). */
    public boolean tableMissing() {
        return table.missing();
    }

    /** The oldest retained position: a resume from before it has lost events to the retention. Empty when the table is empty. */
    public OptionalLong oldestPosition() throws SQLException {
        return position("SELECT min(position) FROM pg_eventserv.events");
    }

    /** The newest committed position; empty when the table is empty. */
    public OptionalLong newestPosition() throws SQLException {
        return position("SELECT max(position) FROM pg_eventserv.events");
    }

    private OptionalLong position(String query) throws SQLException {
        return query(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
                r.next();
                long position = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(position);
            }
        });
    }

    /** One read of the table, counted, its failure logged (once per change) by the table and thrown. */
    private <T> T query(DurableConnections.Work<T> work) throws SQLException {
        reads.increment();
        try {
            T result = connections.run(work);
            table.worked();
            return result;
        } catch (SQLException e) {
            failures.increment();
            table.failed(e);
            throw e;
        }
    }

    /** Queries of the table since start: reads of rows and of the oldest or newest position. */
    public long reads() {
        return reads.sum();
    }

    /** Queries of the table that failed since start. */
    public long readFailures() {
        return failures.sum();
    }

    /** Rows read since start, of every channel: a row is read once per reference or resume that needs it. */
    public long rowsRead() {
        return rows.sum();
    }
}
