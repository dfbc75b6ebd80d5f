package pgeventserv.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import pgeventserv.fanout.DurableReader;
import pgeventserv.fanout.DurableRow;
import pgeventserv.fanout.Floor;

/**
 * Reads the table {@code events} of the durable events' schema ({@link DurableSql}) for the fan-out ({@link DurableReader}), in position order, in bounded
 * batches, each query on a connection borrowed from the pool for it: never the LISTEN connection, never on the
 * listener thread. Two readers share the table, one per lane of {@link DurableConnections}: {@link #live()} for
 * hints, catch-ups and continuity, {@link #resumes()} for resumes.
 *
 * <p>A hint is checked before anything is read: the rows at both ends of its range must exist, be the hint's
 * channel's and one transaction's ({@code xid}), committed by the session that sent the hint ({@code sender}, its
 * process id, which NOTIFY carries): a role that may NOTIFY cannot pass off another session's rows as its own.
 * Positions are given at commit, under one lock, in commit order, and a transaction's positions are contiguous: a
 * true hint's range holds its transaction's rows only, and everything at or below a position seen is visible. A batch holds at most {@link #BATCH_ROWS} rows and stops once its payloads
 * reach the byte budget (one row always comes, however large), so memory per read stays bounded with megabyte
 * payloads.
 *
 * <p>Failures are logged by the {@link DurableTable}, once per change, and thrown: the caller turns them into a gap.
 */
public final class DurableEvents {

    static final int BATCH_ROWS = 500;

    private final DurableConnections connections;
    private final long batchBytes;
    private final DurableTable table;
    private final DurableSql sql;
    private final LongAdder reads = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final Reader live = new Reader(DurableConnections.Lane.LIVE);
    private final Reader resumes = new Reader(DurableConnections.Lane.RESUME);
    private final int liveLanes;
    private final int resumeLanes;

    /**
     * {@code batchBytes}: the payload bytes a batch stops at, {@code DurableMaxPayloadBytes}; {@code poolSize}:
     * {@code DbPoolMaxConns}, which sizes the lanes.
     */
    DurableEvents(DurableConnections connections, long batchBytes, DurableTable table, int poolSize) {
        this.connections = connections;
        this.batchBytes = batchBytes;
        this.table = table;
        this.sql = table.sql();
        this.liveLanes = Math.min(2, DurableConnections.slotsFor(poolSize));
        this.resumeLanes = DurableConnections.resumeSlotsFor(poolSize);
    }

    /** The table for live hints, catch-ups and continuity. */
    public DurableReader live() {
        return live;
    }

    /** The table for resumes, on a lane that always leaves live reads a connection. */
    public DurableReader resumes() {
        return resumes;
    }

    /** Threads worth reading live hints on: as many as their lane may hold connections, two at most. */
    public int liveLanes() {
        return liveLanes;
    }

    /** Threads worth reading resumes on: as many as their lane may hold connections. */
    public int resumeLanes() {
        return resumeLanes;
    }

    private final class Reader implements DurableReader {

        private final DurableConnections.Lane lane;

        Reader(DurableConnections.Lane lane) {
            this.lane = lane;
        }

        @Override
        public List<DurableRow> transaction(String channel, long first, long last, int sender) throws SQLException {
            List<DurableRow> all = query(lane, c -> {
                try (PreparedStatement s = c.prepareStatement(sql.hinted())) {
                    int i = 1;
                    s.setString(i++, channel);
                    s.setInt(i++, sender);
                    s.setLong(i++, first);
                    s.setLong(i++, last);
                    s.setLong(i++, first);
                    s.setLong(i++, Math.min(last, first + BATCH_ROWS - 1));
                    s.setInt(i++, BATCH_ROWS);
                    s.setLong(i++, batchBytes);
                    s.setInt(i, first == last ? 1 : 2);
                    return rows(s);
                }
            });
            if (all.isEmpty()) {
                return null;
            }
            // A large transaction: the rest of its range in windows of positions (see page()).
            long after = all.get(all.size() - 1).position();
            while (after < last) {
                long end = Math.min(last, after + BATCH_ROWS);
                List<DurableRow> batch = page(lane, after + 1, end);
                all.addAll(batch);
                after = batch.isEmpty() ? end : batch.get(batch.size() - 1).position();
            }
            return all;
        }

        @Override
        public List<DurableRow> batch(List<Floor> channels, long after, long upTo) throws SQLException {
            if (channels.isEmpty() || upTo <= after) {
                return List.of();
            }
            return query(lane, c -> {
                try (PreparedStatement s = c.prepareStatement(sql.pageOfChannels())) {
                    int i = floors(c, s, channels);
                    s.setLong(i++, after);
                    s.setLong(i++, upTo);
                    s.setInt(i++, BATCH_ROWS);
                    s.setLong(i, batchBytes);
                    return rows(s);
                }
            });
        }

        @Override
        public Set<String> waiting(List<Floor> channels, long upTo) throws SQLException {
            if (channels.isEmpty()) {
                return Set.of();
            }
            return query(lane, c -> {
                try (PreparedStatement s = c.prepareStatement(sql.waiting())) {
                    s.setLong(floors(c, s, channels), upTo);
                    Set<String> waiting = new HashSet<>();
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            waiting.add(r.getString(1));
                        }
                    }
                    return waiting;
                }
            });
        }

        @Override
        public OptionalLong newestPosition() throws SQLException {
            return position(lane, sql.newestPosition());
        }

        @Override
        public OptionalLong oldestPosition() throws SQLException {
            return position(lane, sql.oldestPosition());
        }

        @Override
        public boolean absent() {
            return table.missing();
        }
    }

    /**
     * Positions {@code from..to} of every channel, one bounded page. A window of at most {@link #BATCH_ROWS}
     * positions, not an open range with a row limit: the newest positions are in no statistics yet, and with a low
     * estimate the planner may take an open range as a scan and sort of all of it, once per page. Positions can have
     * holes (a commit that failed after taking its positions): an empty window only moves the read on.
     */
    private List<DurableRow> page(DurableConnections.Lane lane, long from, long to) throws SQLException {
        return query(lane, c -> {
            try (PreparedStatement s = c.prepareStatement(sql.page())) {
                s.setLong(1, from);
                s.setLong(2, to);
                s.setInt(3, BATCH_ROWS);
                s.setLong(4, batchBytes);
                return rows(s);
            }
        });
    }

    /** Binds the channels and their floors as the two arrays of {@code FLOORS} of {@link DurableSql}; the next parameter's index. */
    private static int floors(Connection c, PreparedStatement s, List<Floor> channels) throws SQLException {
        String[] names = new String[channels.size()];
        Long[] afters = new Long[channels.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = channels.get(i).channel();
            afters[i] = channels.get(i).after();
        }
        s.setArray(1, c.createArrayOf("text", names));
        s.setArray(2, c.createArrayOf("bigint", afters));
        return 3;
    }

    private List<DurableRow> rows(PreparedStatement s) throws SQLException {
        List<DurableRow> read = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                read.add(new DurableRow(r.getLong(1), r.getString(2), r.getString(3),
                        r.getObject(4, OffsetDateTime.class).toInstant()));
            }
        }
        rows.add(read.size());
        return read;
    }

    private OptionalLong position(DurableConnections.Lane lane, String query) throws SQLException {
        return query(lane, c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
                r.next();
                long position = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(position);
            }
        });
    }

    /** One read of the table, counted, its failure logged (once per change) by the table and thrown. */
    private <T> T query(DurableConnections.Lane lane, DurableConnections.Work<T> work) throws SQLException {
        reads.increment();
        try {
            T result = connections.run(lane, work);
            table.worked();
            return result;
        } catch (SQLException e) {
            failures.increment();
            table.failed(e);
            throw e;
        }
    }

    /** Whether the schema is known not to be installed (the last query said so). */
    public boolean tableMissing() {
        return table.missing();
    }

    /** Queries of the table since start: reads of rows and of the oldest or newest position. */
    public long reads() {
        return reads.sum();
    }

    /** Queries of the table that failed since start. */
    public long readFailures() {
        return failures.sum();
    }

    /** Rows read since start, of every channel: a row is read once per hint or resume that needs it. */
    public long rowsRead() {
        return rows.sum();
    }
}
