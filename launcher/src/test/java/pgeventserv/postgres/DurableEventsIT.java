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
        table = new DurableTable();
        tableLog.addHandler(capture);
        tableLog.setLevel(Level.ALL);
    }

    @AfterEach
    void detach() {
        tableLog.removeHandler(capture);
    }

    @Test
    void aReferenceReadsEveryRowOfItsRangeInPositionOrderWhateverTheChannel() throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            DurableDatabase.publish(c, "mine", "first");
            DurableDatabase.publish(c, "other", "not mine");
            DurableDatabase.publish(c, "mine", "second");
            c.commit();
        }
        List<DurableEvent> events = reader(1 << 20).read(new DurableReference(1, 3));
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(DurableEvent::position).toList());
        assertEquals(List.of("first", "not mine", "second"), events.stream().map(DurableEvent::payload).toList());
        assertEquals(List.of("mine", "other", "mine"), events.stream().map(DurableEvent::channel).toList());
        assertTrue(events.get(0).time() != null && !events.get(2).time().isBefore(events.get(0).time()));
    }

    @Test
    void aBatchStopsAtTheByteBudgetButAlwaysHoldsOneRow() throws Exception {
        try (Connection c = db.connect()) {
            for (int i = 0; i < 3; i++) {
                DurableDatabase.publish(c, "sized", "x".repeat(100));
            }
            DurableDatabase.publish(c, "sized", "y".repeat(1000));
        }
        DurableEvents reader = reader(150);
        assertEquals(List.of(1L, 2L), positions(reader.batch(List.of("sized"), 0, 4)));
        assertEquals(List.of(3L, 4L), positions(reader.batch(List.of("sized"), 2, 4)));
        assertEquals(List.of(4L), positions(reader.batch(List.of("sized"), 3, 4)), "larger than the budget, alone");
        assertEquals(List.of(), reader.batch(List.of("sized"), 4, 4));
        assertEquals(List.of(1L, 2L, 3L, 4L), positions(reader.read(new DurableReference(1, 4))));
    }

    @Test
    void aBatchHoldsAtMostBatchRowsAndReadGetsThemAll() throws Exception {
        int count = DurableEvents.BATCH_ROWS + 10;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_eventserv.publish('many', i::text) FROM generate_series(1, " + count + ") i");
        }
        DurableEvents reader = reader(1 << 20);
        assertEquals(DurableEvents.BATCH_ROWS, reader.batch(List.of("many"), 0, count).size());
        List<DurableEvent> all = reader.read(new DurableReference(1, count));
        assertEquals(count, all.size());
        assertEquals(String.valueOf(count), all.get(count - 1).payload());
    }

    @Test
    void aReadGoesOnPastHolesInThePositionsWiderThanABatch() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            DurableDatabase.publish(c, "holes", "before");
            // Positions taken by commits that failed after taking them: a hole of three batches' width.
            s.execute("SELECT setval('pg_eventserv.positions', " + (3 * DurableEvents.BATCH_ROWS) + ")");
            DurableDatabase.publish(c, "holes", "after");
            s.execute("SELECT pg_eventserv.publish('holes', 'many ' || i) FROM generate_series(1, " + DurableEvents.BATCH_ROWS + ") i");
        }
        long last = 4L * DurableEvents.BATCH_ROWS + 1;
        List<DurableEvent> all = reader(1 << 20).read(new DurableReference(1, last));
        assertEquals(DurableEvents.BATCH_ROWS + 2, all.size());
        assertEquals(List.of("before", "after"), all.subList(0, 2).stream().map(DurableEvent::payload).toList());
        assertEquals(last, all.get(all.size() - 1).position());
        assertEquals(positions(all).stream().sorted().distinct().toList(), positions(all), "in order, none twice");
    }

    @Test
    void severalChannelsAreReadTogetherFromAPosition() throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "a", "1");
            DurableDatabase.publish(c, "b", "2");
            DurableDatabase.publish(c, "c", "3");
            DurableDatabase.publish(c, "a", "4");
        }
        DurableEvents reader = reader(1 << 20);
        assertEquals(List.of("2", "4"), reader.batch(List.of("a", "b"), 1, Long.MAX_VALUE).stream().map(DurableEvent::payload).toList());
        assertEquals(OptionalLong.of(1), reader.oldestPosition());
        assertEquals(OptionalLong.of(4), reader.newestPosition());
    }

    @Test
    void aLargePayloadComesBackByteForByte() throws Exception {
        String large = "é€😀\u0001\"\\".repeat(100_000 / 13);
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "large", large);
        }
        assertEquals(large, reader(1 << 20).read(new DurableReference(1, 1)).get(0).payload());
    }

    @Test
    void retentionDeletesOnlyRowsOlderThanItKeepingTheNewestPositions() throws Exception {
        try (Connection c = db.connect()) {
            for (int i = 0; i < 5; i++) {
                DurableDatabase.publish(c, "aging", "event " + i);
            }
        }
        db.execute("UPDATE pg_eventserv.events SET time = now() - interval '2 hours' WHERE position <= 3");
        Retention retention = new Retention(new DurableConnections(dataSource, 4), table);
        assertEquals(OptionalLong.of(3), retention.deleteOlderThan(Duration.ofHours(1)));
        assertEquals(OptionalLong.of(0), retention.deleteOlderThan(Duration.ofHours(1)));
        assertEquals(OptionalLong.of(4), reader(1 << 20).oldestPosition());
    }

    @Test
    void retentionSkipsARoundWhileAnotherInstanceDeletes() throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "aging", "old");
        }
        db.execute("UPDATE pg_eventserv.events SET time = now() - interval '2 hours'");
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
        DurableEvents reader = reader(1 << 20);
        assertEquals(OptionalLong.empty(), reader.newestPosition());
        db.execute("DROP SCHEMA pg_eventserv CASCADE");
        for (int i = 0; i < 3; i++) {
            SQLException e = assertThrows(SQLException.class, () -> reader.batch(List.of("gone"), 0, 10));
            assertEquals("42P01", e.getSQLState());
        }
        assertThrows(SQLException.class, () -> new Retention(new DurableConnections(dataSource, 4), table).deleteOlderThan(Duration.ofHours(1)));
        assertEquals(1, warnings(), "one warning for the dropped table");
        assertTrue(table.missing());
        db.installFresh();
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "back", "again");
        }
        assertEquals("again", reader.read(new DurableReference(1, 1)).get(0).payload());
        assertEquals(1, warnings());
        assertTrue(messages().stream().anyMatch(m -> m.contains("delivered again")), messages().toString());
    }

    @Test
    void aSchemaNeverInstalledIsOnlyADebugLine() throws Exception {
        db.execute("DROP SCHEMA pg_eventserv CASCADE");
        DurableEvents reader = reader(1 << 20);
        assertThrows(SQLException.class, () -> reader.newestPosition());
        assertThrows(SQLException.class, () -> reader.newestPosition());
        assertEquals(0, warnings());
        assertEquals(1, messages().size());
        assertTrue(table.missing());
    }

    private DurableEvents reader(long batchBytes) {
        return new DurableEvents(new DurableConnections(dataSource, 4), batchBytes, table);
    }

    private static List<Long> positions(List<DurableEvent> events) {
        return events.stream().map(DurableEvent::position).toList();
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
