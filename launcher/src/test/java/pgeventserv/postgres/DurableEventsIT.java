package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import pgeventserv.DurableDatabase;
import pgeventserv.fanout.DurableReader;
import pgeventserv.fanout.DurableRow;
import pgeventserv.fanout.Floor;

/** The reader and the retention on a private cluster with sql/pg_eventserv.sql installed. */
class DurableEventsIT {

    private static DurableDatabase db;
    private static PGSimpleDataSource dataSource;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger tableLog = Logger.getLogger(DurableTable.class.getName());
    private DurableTable table;
    /** The session that published: only its hints are true. */
    private int sender;

    @BeforeAll
    static void start() throws Exception {
        db = DurableDatabase.start();
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + db.url().replaceAll(".*:(\\d+)/.*", "$1") + "/postgres");
        dataSource.setUser("postgres");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void fresh() throws Exception {
        db.installFresh();
        table = new DurableTable(new DurableSql(DurableSql.DEFAULT_SCHEMA));
        tableLog.addHandler(capture);
        tableLog.setLevel(Level.ALL);
    }

    @AfterEach
    void detach() {
        tableLog.removeHandler(capture);
    }

    @Test
    void aTrueHintReadsItsTransactionsRowsOfItsRangeInPositionOrderWhateverTheChannel() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            c.setAutoCommit(false);
            DurableDatabase.publish(c, "mine", "first");
            DurableDatabase.publish(c, "other", "not mine");
            DurableDatabase.publish(c, "mine", "second");
            c.commit();
        }
        List<DurableRow> events = reader(1 << 20).transaction("mine", 1, 3, sender);
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(DurableRow::position).toList());
        assertEquals(List.of("first", "not mine", "second"), events.stream().map(DurableRow::payload).toList());
        assertEquals(List.of("mine", "other", "mine"), events.stream().map(DurableRow::channel).toList());
        assertTrue(events.get(0).time() != null && !events.get(2).time().isBefore(events.get(0).time()));
    }

    @Test
    void aForgedAbsurdForeignOrMixedHintReadsNothing() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            DurableDatabase.publish(c, "a", "a1");
            c.setAutoCommit(false);
            DurableDatabase.publish(c, "b", "b2");
            DurableDatabase.publish(c, "a", "a3");
            c.commit();
            DurableDatabase.publish(c, "a", "a4");
            c.commit();
        }
        DurableReader reader = reader(1 << 20);
        assertEquals(null, reader.transaction("a", 1, 999_999_999_999_999_999L, sender), "absurd: no row at its end");
        assertEquals(null, reader.transaction("a", 2, 2, sender), "foreign: b's row named on a");
        assertEquals(null, reader.transaction("b", 2, 3, sender), "its last row is not b's");
        assertEquals(null, reader.transaction("a", 1, 4, sender), "rows of three transactions");
        assertEquals(null, reader.transaction("a", 5, 5, sender), "not committed yet");
        assertEquals(null, reader.transaction("a", 2, 3, sender), "its first row is b's");
        assertEquals(List.of("b2"), reader.transaction("b", 2, 2, sender).stream().map(DurableRow::payload).toList());
        assertEquals(List.of("a3"), reader.transaction("a", 3, 3, sender).stream().map(DurableRow::payload).toList());
        assertEquals(List.of("a4"), reader.transaction("a", 4, 4, sender).stream().map(DurableRow::payload).toList());
        assertEquals(null, reader.transaction("a", 4, 4, sender + 1), "true rows, but another session's hint");
    }

    @Test
    void aBatchStopsAtTheByteBudgetButAlwaysHoldsOneRow() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            for (int i = 0; i < 3; i++) {
                DurableDatabase.publish(c, "sized", "x".repeat(100));
            }
            DurableDatabase.publish(c, "sized", "y".repeat(1000));
        }
        DurableReader reader = reader(150);
        List<Floor> sized = List.of(new Floor("sized", 0));
        assertEquals(List.of(1L, 2L), positions(reader.batch(sized, 0, 4)));
        assertEquals(List.of(3L, 4L), positions(reader.batch(sized, 2, 4)));
        assertEquals(List.of(4L), positions(reader.batch(sized, 3, 4)), "larger than the budget, alone");
        assertEquals(List.of(), reader.batch(sized, 4, 4));
    }

    @Test
    void aBatchHoldsAtMostBatchRowsAndALargeTransactionIsReadWhole() throws Exception {
        int count = 2 * DurableEvents.BATCH_ROWS + 10;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            sender = pid(c);
            s.execute("SELECT eventserv.publish('many', i::text) FROM generate_series(1, " + count + ") i");
        }
        DurableReader reader = reader(150);
        assertEquals(DurableEvents.BATCH_ROWS, reader(1 << 20).batch(List.of(new Floor("many", 0)), 0, count).size());
        List<DurableRow> all = reader.transaction("many", 1, count, sender);
        assertEquals(count, all.size(), "in pages cut short by the byte budget");
        assertEquals(String.valueOf(count), all.get(count - 1).payload());
        assertEquals(positions(all).stream().sorted().distinct().toList(), positions(all), "in order, none twice");
    }

    @Test
    void aBatchGoesOnPastHolesInThePositionsWiderThanABatch() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            sender = pid(c);
            DurableDatabase.publish(c, "holes", "before");
            // Positions taken by commits that failed after taking them: a hole of three batches' width.
            s.execute("SELECT setval('eventserv.positions', " + (3 * DurableEvents.BATCH_ROWS) + ")");
            DurableDatabase.publish(c, "holes", "after");
        }
        long last = 3L * DurableEvents.BATCH_ROWS + 1;
        List<DurableRow> all = reader(1 << 20).batch(List.of(new Floor("holes", 0)), 0, last);
        assertEquals(List.of("before", "after"), all.stream().map(DurableRow::payload).toList());
        assertEquals(List.of("after"), reader(1 << 20).transaction("holes", last, last, sender).stream()
                .map(DurableRow::payload).toList());
    }

    @Test
    void severalChannelsAreReadTogetherFromAPosition() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            DurableDatabase.publish(c, "a", "1");
            DurableDatabase.publish(c, "b", "2");
            DurableDatabase.publish(c, "c", "3");
            DurableDatabase.publish(c, "a", "4");
        }
        DurableReader reader = reader(1 << 20);
        assertEquals(List.of("2", "4"), reader.batch(List.of(new Floor("a", 1), new Floor("b", 1)), 1, Long.MAX_VALUE)
                .stream().map(DurableRow::payload).toList());
        assertEquals(List.of("2", "4"), reader.batch(List.of(new Floor("a", 3), new Floor("b", 0)), 0, Long.MAX_VALUE)
                .stream().map(DurableRow::payload).toList(), "each channel above its own floor");
        assertEquals(Set.of("a"), reader.waiting(List.of(new Floor("a", 1), new Floor("b", 2), new Floor("c", 3)), 4));
        assertEquals(Set.of("a", "c"), reader.waiting(List.of(new Floor("a", 0), new Floor("c", 0)), 4));
        assertEquals(Set.of(), reader.waiting(List.of(new Floor("a", 0)), 0), "nothing up to position 0");
        assertEquals(OptionalLong.of(1), reader.oldestPosition());
        assertEquals(OptionalLong.of(4), reader.newestPosition());
    }

    @Test
    void aLargePayloadComesBackByteForByte() throws Exception {
        String large = "é€😀\u0001\"\\".repeat(100_000 / 13);
        try (Connection c = db.connect()) {
            sender = pid(c);
            DurableDatabase.publish(c, "large", large);
        }
        assertEquals(large, reader(1 << 20).transaction("large", 1, 1, sender).get(0).payload());
    }

    @Test
    void retentionDeletesOnlyRowsOlderThanItKeepingTheNewestPositions() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            for (int i = 0; i < 5; i++) {
                DurableDatabase.publish(c, "aging", "event " + i);
            }
        }
        db.execute("UPDATE eventserv.events SET time = now() - interval '2 hours' WHERE position <= 3");
        Retention retention = new Retention(new DurableConnections(dataSource, 4), table);
        assertEquals(OptionalLong.of(3), retention.deleteOlderThan(Duration.ofHours(1)));
        assertEquals(OptionalLong.of(0), retention.deleteOlderThan(Duration.ofHours(1)));
        assertEquals(OptionalLong.of(4), reader(1 << 20).oldestPosition());
    }

    @Test
    void retentionSkipsARoundWhileAnotherInstanceDeletes() throws Exception {
        try (Connection c = db.connect()) {
            sender = pid(c);
            DurableDatabase.publish(c, "aging", "old");
        }
        db.execute("UPDATE eventserv.events SET time = now() - interval '2 hours'");
        try (Connection other = db.connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(1885697651, 2)");
            assertEquals(OptionalLong.empty(), new Retention(new DurableConnections(dataSource, 4), table).deleteOlderThan(Duration.ofHours(1)));
            other.rollback();
        }
        assertEquals(OptionalLong.of(1), new Retention(new DurableConnections(dataSource, 4), table).deleteOlderThan(Duration.ofHours(1)));
    }

    @Test
    void aDroppedTableFailsEachReadButIsLoggedOnceAndReadsResumeAfterAReinstall() throws Exception {
        DurableReader reader = reader(1 << 20);
        assertEquals(OptionalLong.empty(), reader.newestPosition());
        db.execute("DROP SCHEMA eventserv CASCADE");
        for (int i = 0; i < 3; i++) {
            SQLException e = assertThrows(SQLException.class, () -> reader.batch(List.of(new Floor("gone", 0)), 0, 10));
            assertEquals("42P01", e.getSQLState());
        }
        assertThrows(SQLException.class, () -> new Retention(new DurableConnections(dataSource, 4), table).deleteOlderThan(Duration.ofHours(1)));
        assertEquals(1, warnings(), "one warning for the dropped table");
        assertTrue(table.missing());
        db.installFresh();
        try (Connection c = db.connect()) {
            sender = pid(c);
            DurableDatabase.publish(c, "back", "again");
        }
        assertEquals("again", reader.transaction("back", 1, 1, sender).get(0).payload());
        assertEquals(1, warnings());
        assertTrue(messages().stream().anyMatch(m -> m.contains("delivered again")), messages().toString());
    }

    @Test
    void aSchemaNeverInstalledIsOnlyADebugLine() throws Exception {
        db.execute("DROP SCHEMA eventserv CASCADE");
        DurableReader reader = reader(1 << 20);
        assertThrows(SQLException.class, () -> reader.newestPosition());
        assertThrows(SQLException.class, () -> reader.newestPosition());
        assertEquals(0, warnings());
        assertEquals(1, messages().size());
        assertTrue(table.missing());
    }

    private DurableReader reader(long batchBytes) {
        return new DurableEvents(new DurableConnections(dataSource, 4), batchBytes, table, 4).live();
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static List<Long> positions(List<DurableRow> events) {
        return events.stream().map(DurableRow::position).toList();
    }

    private long warnings() {
        synchronized (logged) {
            return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).count();
        }
    }

    private List<String> messages() {
        synchronized (logged) {
            return logged.stream().map(LogRecord::getMessage).toList();
        }
    }
}
