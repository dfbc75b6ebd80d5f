package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import pgeventserv.DurableDatabase;
import pgeventserv.JarRun;
import pgeventserv.LaunchedServer;

/**
 * sql/pg_eventserv.sql on a private cluster: installed and upgraded by {@code --install-sql}, positions in commit
 * order, one reference notification per transaction and channel, and clear errors for bad input.
 */
class DurableSchemaIT {

    private static final Pattern REFERENCE = Pattern.compile("\u001Epg_eventserv durable (\\d+)-(\\d+)");
    private static final int ROUNDS = 200;

    private static DurableDatabase db;

    @BeforeAll
    static void start() throws Exception {
        db = DurableDatabase.start();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void freshSchema() throws Exception {
        db.installFresh();
    }

    @Test
    void installSqlInstallsOnceAndReRunningChangesNothing() throws Exception {
        db.execute("DROP SCHEMA eventserv CASCADE");
        JarRun first = installSql(Map.of());
        assertEquals(0, first.exit(), first.output());
        assertEquals("pg_eventserv: schema eventserv installed at version 4 in postgres@127.0.0.1:" + port() + "/postgres",
                result(first));
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "kept", "an event");
        }
        String before = fingerprint();
        JarRun again = installSql(Map.of());
        assertEquals(0, again.exit(), again.output());
        assertEquals("pg_eventserv: schema eventserv is up to date (version 4) in postgres@127.0.0.1:" + port() + "/postgres",
                result(again));
        assertEquals(before, fingerprint());
    }

    @Test
    void anInstallByASuperuserWarnsThatTheSuperuserOwnsTheFunctions() throws Exception {
        JarRun install = installSql(Map.of());
        assertEquals(0, install.exit(), install.output());
        assertTrue(install.output().contains("pg_eventserv: warning: installed by the superuser postgres, who owns the schema"
                + " eventserv and runs its SECURITY DEFINER functions"), install.output());
    }

    @Test
    void anOlderVersionIsUpgradedByTheMissingStepsOnlyKeepingItsEvents() throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "kept", "from version 1");
        }
        db.execute("DROP INDEX eventserv.events_channel; ALTER TABLE eventserv.events DROP COLUMN sender;"
                + " ALTER TABLE eventserv.events DROP COLUMN key; DELETE FROM eventserv.installed WHERE version >= 2");
        JarRun upgrade = installSql(Map.of());
        assertEquals(0, upgrade.exit(), upgrade.output());
        assertTrue(upgrade.output().contains("upgraded from version 1 to version 4"), upgrade.output());
        assertEquals("2", query("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'eventserv'"
                + " AND table_name = 'events' AND column_name IN ('sender', 'key')"));
        assertEquals("2", query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'eventserv' AND indexname IN ('events_channel', 'events_key')"));
        assertEquals("from version 1", query("SELECT payload FROM eventserv.events WHERE channel = 'kept'"));
    }

    /** The previous release's script, as it was: schema pg_eventserv at version 3, installed by a superuser. */
    @Test
    void anEarlierReleasesSchemaIsRenamedKeepingItsEventsAndPositions() throws Exception {
        db.execute("DROP SCHEMA eventserv CASCADE");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute(earlierScript());
            c.commit();
            c.setAutoCommit(true);
            s.execute("SELECT pg_eventserv.publish('kept', 'before the upgrade')");
            s.execute("SELECT pg_eventserv.publish('kept', 'also before')");
        }
        JarRun upgrade = installSql(Map.of());
        assertEquals(0, upgrade.exit(), upgrade.output());
        assertTrue(upgrade.output().contains("schema eventserv upgraded from version 3 (schema pg_eventserv) to version 4"),
                upgrade.output());
        assertEquals("0", query("SELECT count(*) FROM pg_namespace WHERE nspname = 'pg_eventserv'"));
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "kept", "after the upgrade");
        }
        assertEquals(List.of("before the upgrade", "also before", "after the upgrade"), payloadsByPosition("kept"));
        assertEquals(List.of(1L, 2L, 3L), positions("kept"));
        assertEquals("f", query("SELECT has_function_privilege('public', 'eventserv.publish(text, text)', 'EXECUTE')"));
        assertEquals("f", query("SELECT has_schema_privilege('public', 'eventserv', 'USAGE')"));
    }

    @Test
    void aNewerVersionInTheDatabaseIsRefusedAndNothingChanges() throws Exception {
        db.execute("INSERT INTO eventserv.installed (version) VALUES (99)");
        JarRun refused = installSql(Map.of());
        assertEquals(1, refused.exit());
        assertTrue(refused.output().contains("version 99 of the schema eventserv"), refused.output());
    }

    /** Managed PostgreSQL's database owner: no superuser, CREATEDB and CREATEROLE. Nothing but the owner's rights. */
    @Test
    void theDatabaseOwnerWithoutSuperuserInstallsAndOwnsEverything() throws Exception {
        String database = "owned_" + Long.toHexString(System.nanoTime());
        db.execute("DROP ROLE IF EXISTS owner_role; CREATE ROLE owner_role LOGIN NOSUPERUSER CREATEDB CREATEROLE");
        try (Connection owner = db.cluster().connect("owner_role", "postgres")) {
            execute(owner, "CREATE DATABASE " + database);
        }
        try {
            JarRun install = JarRun.of(Map.of("DATABASE_URL", db.cluster().url("owner_role", database)), "--install-sql");
            assertEquals(0, install.exit(), install.output());
            assertEquals("pg_eventserv: schema eventserv installed at version 4 in owner_role@127.0.0.1:" + port() + "/" + database,
                    install.output().trim(), "one line, no warning");
            try (Connection owner = db.cluster().connect("owner_role", database); Statement s = owner.createStatement();
                 ResultSet r = s.executeQuery("""
                         SELECT count(*) FILTER (WHERE pg_get_userbyid(owner) <> 'owner_role') FROM (
                           SELECT nspowner AS owner FROM pg_namespace WHERE nspname = 'eventserv'
                           UNION ALL SELECT relowner FROM pg_class WHERE relnamespace = 'eventserv'::regnamespace
                           UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'eventserv'::regnamespace) o""")) {
                r.next();
                assertEquals(0, r.getInt(1), "everything owned by the database owner");
            }
        } finally {
            db.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE); DROP ROLE owner_role");
        }
    }

    @Test
    void aSchemaNamedByDurableSchemaIsPrintedAndInstalledUnderThatName() throws Exception {
        JarRun print = JarRun.of(Map.of("ES_DURABLESCHEMA", "events_alt"), "--print-sql");
        assertEquals(0, print.exit());
        assertTrue(print.output().contains("CREATE SCHEMA IF NOT EXISTS events_alt;"), print.output());
        assertFalse(print.output().matches("(?s).*\\beventserv\\..*"), "no other schema named");
        assertTrue(print.output().contains("GRANT eventserv_relay TO"), "the roles keep their names");
        JarRun install = installSql(Map.of("ES_DURABLESCHEMA", "events_alt"));
        assertEquals(0, install.exit(), install.output());
        assertTrue(install.output().contains("schema events_alt installed at version 4"), install.output());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT events_alt.publish('alt', 'here')");
        }
        assertEquals("here", query("SELECT payload FROM events_alt.events"));
        db.execute("DROP SCHEMA events_alt CASCADE");
    }

    @Test
    void aReservedPgSchemaNameIsRefusedAtStartSayingWhy() throws Exception {
        JarRun refused = JarRun.of(Map.of("ES_DURABLESCHEMA", "pg_eventserv"), "--install-sql");
        assertEquals(1, refused.exit());
        assertTrue(refused.output().contains("DurableSchema must be a schema name not beginning with pg_ (PostgreSQL reserves pg_"),
                refused.output());
    }

    @Test
    void aConfiguredMaxPayloadIsWrittenToTheSettingsTable() throws Exception {
        JarRun install = installSql(Map.of("ES_DURABLEMAXPAYLOADBYTES", "2048"));
        assertEquals(0, install.exit(), install.output());
        assertEquals("2048", query("SELECT value FROM eventserv.settings WHERE name = 'DurableMaxPayloadBytes'"));
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndExitStatusOne() throws Exception {
        JarRun failed = JarRun.of(Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + LaunchedServer.freePort() + "/postgres"),
                "--install-sql");
        assertEquals(1, failed.exit());
        assertTrue(failed.output().startsWith("pg_eventserv: --install-sql failed on postgres@127.0.0.1:"), failed.output());
        assertEquals(1, failed.output().trim().lines().count(), failed.output());
    }

    @Test
    void printSqlPrintsTheScriptOfTheRepository() throws Exception {
        JarRun print = JarRun.of(Map.of(), "--print-sql");
        assertEquals(0, print.exit());
        assertEquals(Files.readString(DurableDatabase.SCRIPT, StandardCharsets.UTF_8), print.output());
        assertFalse(print.output().matches("(?s).*pg_eventserv\\.(events|publish|settings|installed|positions|assign_positions).*"),
                "the earlier release's schema is only renamed");
    }

    /** Each round, the transaction that published first commits last: its event must come after the other's. */
    @Test
    void positionsAndNotificationsFollowCommitOrderNotPublishOrder() throws Exception {
        String channel = "commit_order";
        List<String> commitOrder = new ArrayList<>();
        try (Connection a = db.connect(); Connection b = db.connect(); Connection listener = db.connect()) {
            listen(listener, channel);
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < ROUNDS; round++) {
                Connection early = round % 2 == 0 ? a : b;
                Connection late = early == a ? b : a;
                DurableDatabase.publish(early, channel, round + " published first");
                DurableDatabase.publish(late, channel, round + " published second");
                late.commit();
                commitOrder.add(round + " published second");
                early.commit();
                commitOrder.add(round + " published first");
            }
            assertEquals(commitOrder, payloadsByPosition(channel));
            List<long[]> ranges = references(listener, 2 * ROUNDS);
            assertEquals(positions(channel), ranges.stream().map(r -> r[0]).toList(), "one notification per commit, in position order");
        }
    }

    /** Concurrent publishers: a reader that sees a position sees every smaller one, and notifications come in position order. */
    @Test
    void concurrentCommitsLeaveNoHoleBelowAVisiblePositionAndNotifyInOrder() throws Exception {
        String channel = "concurrent";
        int publishers = 4;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try (Connection listener = db.connect(); Connection reader = db.connect()) {
            listen(listener, channel);
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                running.add(pool.submit(() -> {
                    try (Connection c = db.connect()) {
                        c.setAutoCommit(false);
                        for (int i = 0; i < each; i++) {
                            DurableDatabase.publish(c, channel, publisher + ":" + i);
                            c.commit();
                        }
                    }
                    return null;
                }));
            }
            int reads = 0;
            while (running.stream().anyMatch(f -> !f.isDone()) && reads < 10_000) {
                List<Long> seen = positions(channel);
                for (int i = 0; i < seen.size(); i++) {
                    assertEquals(i + 1, seen.get(i), "no hole below a visible position");
                }
                reads++;
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<long[]> ranges = references(listener, publishers * each);
            assertEquals(positions(channel), ranges.stream().map(r -> r[0]).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneTransactionSendsOneReferencePerChannelWithItsRange() throws Exception {
        try (Connection publisher = db.connect(); Connection listener = db.connect()) {
            listen(listener, "left");
            listen(listener, "right");
            publisher.setAutoCommit(false);
            DurableDatabase.publish(publisher, "left", "1");
            DurableDatabase.publish(publisher, "right", "2");
            DurableDatabase.publish(publisher, "left", "3");
            publisher.commit();
            List<PGNotification> received = notifications(listener, 2);
            assertEquals("left", received.get(0).getName());
            assertEquals("\u001Epg_eventserv durable 1-3", received.get(0).getParameter());
            assertEquals("right", received.get(1).getName());
            assertEquals("\u001Epg_eventserv durable 2-2", received.get(1).getParameter());
        }
    }

    @Test
    void largeAndJsonPayloadsAreStoredByteForByte() throws Exception {
        String large = "é€😀".repeat(100_000 / 9) + "end";
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "large", large);
            try (PreparedStatement s = c.prepareStatement("SELECT eventserv.publish('json', ?::jsonb)")) {
                s.setString(1, "{\"b\": [1, 2], \"a\": \"x\"}");
                s.execute();
            }
        }
        assertEquals(large, query("SELECT payload FROM eventserv.events WHERE channel = 'large'"));
        assertEquals("{\"a\": \"x\", \"b\": [1, 2]}", query("SELECT payload FROM eventserv.events WHERE channel = 'json'"));
    }

    @Test
    void aTableTriggerPublishesTheNewRowAsJsonWithA100KilobytePayload() throws Exception {
        db.execute("""
                DROP TABLE IF EXISTS notes;
                CREATE TABLE notes (id int, body text);
                CREATE FUNCTION notes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM eventserv.publish(TG_TABLE_NAME, to_jsonb(NEW));
                    RETURN NEW;
                END $$;
                CREATE TRIGGER notes_changed AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION notes_changed();
                """);
        String body = "x".repeat(100_000);
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO notes VALUES (1, ?)")) {
            s.setString(1, body);
            s.execute();
        }
        assertEquals(List.of("{\"id\": 1, \"body\": \"" + body + "\"}"), payloadsByPosition("notes"));
        db.execute("DROP TABLE notes; DROP FUNCTION notes_changed()");
    }

    /** The relay's role reads and deletes, nothing more; only the publisher's role may publish, PUBLIC nothing. */
    @Test
    void theRelayRoleMayReadAndDeleteOnlyAndOnlyThePublisherRoleMayPublish() throws Exception {
        db.execute("DROP ROLE IF EXISTS relay; DROP ROLE IF EXISTS app; DROP ROLE IF EXISTS stranger;"
                + " CREATE ROLE relay LOGIN IN ROLE eventserv_relay; CREATE ROLE app LOGIN IN ROLE eventserv_publisher;"
                + " CREATE ROLE stranger LOGIN");
        try (Connection app = connectAs("app")) {
            DurableDatabase.publish(app, "rights", "from the publisher's role");
            assertEquals("42501", assertThrows(SQLException.class, () -> execute(app, "SELECT * FROM eventserv.events")).getSQLState());
        }
        try (Connection stranger = connectAs("stranger")) {
            assertEquals("42501", assertThrows(SQLException.class,
                    () -> DurableDatabase.publish(stranger, "rights", "from anyone")).getSQLState());
        }
        try (Connection relay = connectAs("relay")) {
            execute(relay, "SELECT position, channel, payload, time FROM eventserv.events");
            execute(relay, "SELECT value FROM eventserv.settings");
            for (String refused : List.of("INSERT INTO eventserv.events (channel, payload) VALUES ('x', 'y')",
                    "UPDATE eventserv.events SET payload = 'changed'", "UPDATE eventserv.settings SET value = '1'",
                    "TRUNCATE eventserv.events", "SELECT eventserv.publish('rights', 'from the relay')")) {
                assertEquals("42501", assertThrows(SQLException.class, () -> execute(relay, refused)).getSQLState(), refused);
            }
            execute(relay, "DELETE FROM eventserv.events WHERE channel = 'rights'");
        }
        assertEquals(List.of(), payloadsByPosition("rights"));
        db.execute("DROP OWNED BY relay, app, stranger; DROP ROLE relay; DROP ROLE app; DROP ROLE stranger");
    }

    @Test
    void aSecondPublishWithTheSameKeyReturnsTheFirstPositionAndStoresNothing() throws Exception {
        try (Connection c = db.connect(); Connection listener = db.connect()) {
            listen(listener, "keyed");
            assertEquals(null, DurableDatabase.publish(c, "keyed", "first", "order-42"));
            long first = positions("keyed").get(0);
            assertEquals(first, DurableDatabase.publish(c, "keyed", "retried", "order-42"));
            assertEquals(null, DurableDatabase.publish(c, "elsewhere", "same key, another channel", "order-42"));
            DurableDatabase.publish(c, "keyed", "no key");
            assertEquals(List.of("first", "no key"), payloadsByPosition("keyed"));
            assertEquals(2, notifications(listener, 2).size());
        }
    }

    /** At-least-once producers retry at once: two sessions publish the same key together, one event is stored and sent. */
    @Test
    void twoSessionsPublishingTheSameKeyAtOnceDeliverOneEvent() throws Exception {
        for (int i = 0; i < 20; i++) {
            int round = i;
            String key = "together-" + round;
            try (Connection a = db.connect(); Connection b = db.connect(); Connection listener = db.connect()) {
                listen(listener, "together");
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<Long> fromA = pool.submit(() -> DurableDatabase.publish(a, "together", "a " + round, key));
                    Future<Long> fromB = pool.submit(() -> DurableDatabase.publish(b, "together", "b " + round, key));
                    // One of them inserted; the other waits for it to commit, then finds its event.
                    Long first = null;
                    Long second = null;
                    while (first == null && second == null) {
                        if (fromA.isDone()) {
                            first = commit(a, fromA);
                            second = commit(b, fromB);
                        } else if (fromB.isDone()) {
                            first = commit(b, fromB);
                            second = commit(a, fromA);
                        } else {
                            Thread.sleep(1);
                        }
                    }
                    assertEquals(-1L, first, "the first stored the event");
                    assertEquals(positions("together").get(round), second, "the second got its position");
                } finally {
                    pool.shutdownNow();
                }
                assertEquals(1, notifications(listener, 1).size());
            }
        }
        assertEquals(20, positions("together").size());
        assertEquals("t", query("SELECT count(DISTINCT key) = count(*) FROM eventserv.events WHERE channel = 'together'"));
    }

    /** Commits the session once its publish returned; -1 for a publish that stored the event. */
    private static Long commit(Connection c, Future<Long> published) throws Exception {
        Long position = published.get(30, TimeUnit.SECONDS);
        c.commit();
        return position == null ? -1L : position;
    }

    @Test
    void aPayloadOverTheLimitIsRefusedNamingTheLimit() throws Exception {
        db.execute("UPDATE eventserv.settings SET value = '1000' WHERE name = 'DurableMaxPayloadBytes'");
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "limit", "é".repeat(500));
            SQLException e = assertThrows(SQLException.class, () -> DurableDatabase.publish(c, "limit", "é".repeat(500) + "x"));
            assertEquals("54000", e.getSQLState());
            assertTrue(e.getMessage().contains("payload of 1001 bytes on channel \"limit\" is over the limit of 1000 bytes"), e.getMessage());
        }
        assertEquals("1", query("SELECT count(*) FROM eventserv.events"));
    }

    @Test
    void theDefaultLimitIsOneMebibyte() throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "limit", "x".repeat(1 << 20));
            SQLException e = assertThrows(SQLException.class, () -> DurableDatabase.publish(c, "limit", "x".repeat((1 << 20) + 1)));
            assertTrue(e.getMessage().contains("over the limit of 1048576 bytes"), e.getMessage());
        }
    }

    @Test
    void aNullChannelIsRefused() throws Exception {
        try (Connection c = db.connect()) {
            SQLException e = assertThrows(SQLException.class, () -> DurableDatabase.publish(c, null, "x"));
            assertEquals("22004", e.getSQLState());
            assertTrue(e.getMessage().contains("eventserv.publish: channel is NULL"), e.getMessage());
        }
    }

    @Test
    void aChannelOver63BytesIsRefusedAnd63BytesAreTaken() throws Exception {
        String threeByteChars = "€".repeat(21);
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, threeByteChars, "63 bytes");
            SQLException e = assertThrows(SQLException.class, () -> DurableDatabase.publish(c, threeByteChars + "x", "64 bytes"));
            assertEquals("42622", e.getSQLState());
            assertTrue(e.getMessage().contains("is 64 bytes long, the limit is 63"), e.getMessage());
        }
    }

    @Test
    void aRolledBackPublishLeavesNoRowAndSendsNothing() throws Exception {
        try (Connection c = db.connect(); Connection listener = db.connect()) {
            listen(listener, "rolled");
            c.setAutoCommit(false);
            DurableDatabase.publish(c, "rolled", "never");
            c.rollback();
            DurableDatabase.publish(c, "rolled", "kept");
            c.commit();
            List<PGNotification> received = notifications(listener, 1);
            assertEquals(List.of("kept"), payloadsByPosition("rolled"));
            assertEquals("\u001Epg_eventserv durable " + positions("rolled").get(0) + "-" + positions("rolled").get(0),
                    received.get(0).getParameter());
        }
    }

    private static Connection connectAs(String role) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=" + role);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void listen(Connection listener, String channel) throws SQLException {
        try (Statement s = listener.createStatement()) {
            s.execute("LISTEN \"" + channel + "\"");
        }
    }

    /** Reference notifications as {first, last} in arrival order; waits (bounded) for {@code count} of them. */
    private static List<long[]> references(Connection listener, int count) throws SQLException {
        List<long[]> ranges = new ArrayList<>();
        for (PGNotification n : notifications(listener, count)) {
            Matcher m = REFERENCE.matcher(n.getParameter());
            assertTrue(m.matches(), n.getParameter());
            ranges.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return ranges;
    }

    private static List<PGNotification> notifications(Connection listener, int count) throws SQLException {
        List<PGNotification> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        PGConnection pg = listener.unwrap(PGConnection.class);
        while (received.size() < count && System.nanoTime() < deadline) {
            PGNotification[] batch = pg.getNotifications(100);
            if (batch != null) {
                received.addAll(List.of(batch));
            }
        }
        assertEquals(count, received.size(), "notifications");
        return received;
    }

    private static List<String> payloadsByPosition(String channel) throws SQLException {
        List<String> payloads = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT payload FROM eventserv.events WHERE channel = ? ORDER BY position")) {
            s.setString(1, channel);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    payloads.add(r.getString(1));
                }
            }
        }
        return payloads;
    }

    private static List<Long> positions(String channel) throws SQLException {
        List<Long> positions = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT position FROM eventserv.events WHERE channel = ? ORDER BY position")) {
            s.setString(1, channel);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    positions.add(r.getLong(1));
                }
            }
        }
        return positions;
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** The schema's objects, definitions and rows that an install could touch. */
    private static String fingerprint() throws SQLException {
        return query("""
                SELECT string_agg(item, E'\\n' ORDER BY item) FROM (
                  SELECT 'rel ' || c.relname || ' ' || c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'eventserv'
                  UNION ALL SELECT 'fn ' || p.oid || ' ' || pg_get_functiondef(p.oid) FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'eventserv'
                  UNION ALL SELECT 'installed ' || version || ' ' || time FROM eventserv.installed
                  UNION ALL SELECT 'setting ' || name || ' ' || value FROM eventserv.settings
                  UNION ALL SELECT 'event ' || position || ' ' || payload FROM eventserv.events) items(item)
                """);
    }

    private static int port() {
        return Integer.parseInt(db.url().replaceAll(".*:(\\d+)/.*", "$1"));
    }

    private static JarRun installSql(Map<String, String> environment) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("DATABASE_URL", db.url());
        return JarRun.of(env, "--install-sql");
    }

    /** The run's output without the database's warnings. */
    private static String result(JarRun run) {
        return run.output().lines().filter(line -> !line.startsWith("pg_eventserv: warning: ")).reduce("", String::concat);
    }

    private static String earlierScript() throws java.io.IOException {
        try (var in = DurableSchemaIT.class.getResourceAsStream("/earlier/pg_eventserv-3.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
