package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import pgeventserv.LaunchedServer;

/**
 * sql/pg_eventserv.sql on a private cluster: installed and upgraded by {@code --install-sql}, positions in commit
 * order, one reference notification per transaction and channel, and clear errors for bad input.
 */
class DurableSchemaIT {

    private static final Path JAR = Path.of("target/pg_eventserv.jar");
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
        db.execute("DROP SCHEMA pg_eventserv CASCADE");
        Run first = installSql(Map.of());
        assertEquals(0, first.exit(), first.output());
        assertEquals("pg_eventserv: schema pg_eventserv installed at version 3 in postgres@127.0.0.1:" + port() + "/postgres",
                first.output().trim());
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "kept", "an event");
        }
        String before = fingerprint();
        Run again = installSql(Map.of());
        assertEquals(0, again.exit(), again.output());
        assertEquals("pg_eventserv: schema pg_eventserv is up to date (version 3) in postgres@127.0.0.1:" + port() + "/postgres",
                again.output().trim());
        assertEquals(before, fingerprint());
    }

    @Test
    void anOlderVersionIsUpgradedByTheMissingStepsOnlyKeepingItsEvents() throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "kept", "from version 1");
        }
        db.execute("DROP INDEX pg_eventserv.events_channel; ALTER TABLE pg_eventserv.events DROP COLUMN sender;"
                + " DELETE FROM pg_eventserv.installed WHERE version >= 2");
        Run upgrade = installSql(Map.of());
        assertEquals(0, upgrade.exit(), upgrade.output());
        assertTrue(upgrade.output().contains("upgraded from version 1 to version 3"), upgrade.output());
        assertEquals("1", query("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'pg_eventserv'"
                + " AND table_name = 'events' AND column_name = 'sender'"));
        assertEquals("1", query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'pg_eventserv' AND indexname = 'events_channel'"));
        assertEquals("from version 1", query("SELECT payload FROM pg_eventserv.events WHERE channel = 'kept'"));
    }

    @Test
    void aNewerVersionInTheDatabaseIsRefusedAndNothingChanges() throws Exception {
        db.execute("INSERT INTO pg_eventserv.installed (version) VALUES (99)");
        Run refused = installSql(Map.of());
        assertEquals(1, refused.exit());
        assertTrue(refused.output().contains("version 99 of the schema pg_eventserv"), refused.output());
    }

    @Test
    void anInstallByARoleThatIsNotSuperuserIsRefusedSayingSo() throws Exception {
        db.execute("DROP SCHEMA pg_eventserv CASCADE; DROP ROLE IF EXISTS installer; CREATE ROLE installer LOGIN CREATEROLE");
        db.execute("GRANT CREATE ON DATABASE postgres TO installer");
        Run refused = runJar(Map.of("DATABASE_URL", db.url().replace("postgres@", "installer@")), "--install-sql");
        assertEquals(1, refused.exit());
        assertTrue(refused.output().contains("installing the schema pg_eventserv needs a superuser, not installer"), refused.output());
        assertEquals("0", query("SELECT count(*) FROM pg_namespace WHERE nspname = 'pg_eventserv'"));
    }

    @Test
    void aConfiguredMaxPayloadIsWrittenToTheSettingsTable() throws Exception {
        Run install = installSql(Map.of("ES_DURABLEMAXPAYLOADBYTES", "2048"));
        assertEquals(0, install.exit(), install.output());
        assertEquals("2048", query("SELECT value FROM pg_eventserv.settings WHERE name = 'DurableMaxPayloadBytes'"));
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndExitStatusOne() throws Exception {
        Run failed = runJar(Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + LaunchedServer.freePort() + "/postgres"),
                "--install-sql");
        assertEquals(1, failed.exit());
        assertTrue(failed.output().startsWith("pg_eventserv: --install-sql failed on postgres@127.0.0.1:"), failed.output());
        assertEquals(1, failed.output().trim().lines().count(), failed.output());
    }

    @Test
    void printSqlPrintsTheScriptOfTheRepository() throws Exception {
        Run print = runJar(Map.of(), "--print-sql");
        assertEquals(0, print.exit());
        assertEquals(Files.readString(DurableDatabase.SCRIPT, StandardCharsets.UTF_8), print.output());
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
            try (PreparedStatement s = c.prepareStatement("SELECT pg_eventserv.publish('json', ?::jsonb)")) {
                s.setString(1, "{\"b\": [1, 2], \"a\": \"x\"}");
                s.execute();
            }
        }
        assertEquals(large, query("SELECT payload FROM pg_eventserv.events WHERE channel = 'large'"));
        assertEquals("{\"a\": \"x\", \"b\": [1, 2]}", query("SELECT payload FROM pg_eventserv.events WHERE channel = 'json'"));
    }

    @Test
    void aTableTriggerPublishesTheNewRowAsJsonWithA100KilobytePayload() throws Exception {
        db.execute("""
                DROP TABLE IF EXISTS notes;
                CREATE TABLE notes (id int, body text);
                CREATE FUNCTION notes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_eventserv.publish(TG_TABLE_NAME, to_jsonb(NEW));
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

    /** The relay's role reads and deletes, nothing more; any role may publish without rights on the table. */
    @Test
    void theRelayRoleMayReadAndDeleteOnlyAndAnyRoleMayPublish() throws Exception {
        db.execute("DROP ROLE IF EXISTS relay; DROP ROLE IF EXISTS app;"
                + " CREATE ROLE relay LOGIN IN ROLE eventserv_relay; CREATE ROLE app LOGIN");
        try (Connection app = connectAs("app")) {
            DurableDatabase.publish(app, "rights", "from an ordinary role");
            assertEquals("42501", assertThrows(SQLException.class, () -> execute(app, "SELECT * FROM pg_eventserv.events")).getSQLState());
        }
        try (Connection relay = connectAs("relay")) {
            execute(relay, "SELECT position, channel, payload, time FROM pg_eventserv.events");
            execute(relay, "SELECT value FROM pg_eventserv.settings");
            for (String refused : List.of("INSERT INTO pg_eventserv.events (channel, payload) VALUES ('x', 'y')",
                    "UPDATE pg_eventserv.events SET payload = 'changed'", "UPDATE pg_eventserv.settings SET value = '1'",
                    "TRUNCATE pg_eventserv.events")) {
                assertEquals("42501", assertThrows(SQLException.class, () -> execute(relay, refused)).getSQLState(), refused);
            }
            execute(relay, "DELETE FROM pg_eventserv.events WHERE channel = 'rights'");
        }
        assertEquals(List.of(), payloadsByPosition("rights"));
        db.execute("DROP OWNED BY relay, app; DROP ROLE relay; DROP ROLE app");
    }

    @Test
    void aPayloadOverTheLimitIsRefusedNamingTheLimit() throws Exception {
        db.execute("UPDATE pg_eventserv.settings SET value = '1000' WHERE name = 'DurableMaxPayloadBytes'");
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, "limit", "é".repeat(500));
            SQLException e = assertThrows(SQLException.class, () -> DurableDatabase.publish(c, "limit", "é".repeat(500) + "x"));
            assertEquals("54000", e.getSQLState());
            assertTrue(e.getMessage().contains("payload of 1001 bytes on channel \"limit\" is over the limit of 1000 bytes"), e.getMessage());
        }
        assertEquals("1", query("SELECT count(*) FROM pg_eventserv.events"));
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
            assertTrue(e.getMessage().contains("pg_eventserv.publish: channel is NULL"), e.getMessage());
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
             PreparedStatement s = c.prepareStatement("SELECT payload FROM pg_eventserv.events WHERE channel = ? ORDER BY position")) {
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
             PreparedStatement s = c.prepareStatement("SELECT position FROM pg_eventserv.events WHERE channel = ? ORDER BY position")) {
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
                   WHERE n.nspname = 'pg_eventserv'
                  UNION ALL SELECT 'fn ' || p.oid || ' ' || pg_get_functiondef(p.oid) FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pg_eventserv'
                  UNION ALL SELECT 'installed ' || version || ' ' || time FROM pg_eventserv.installed
                  UNION ALL SELECT 'setting ' || name || ' ' || value FROM pg_eventserv.settings
                  UNION ALL SELECT 'event ' || position || ' ' || payload FROM pg_eventserv.events) items(item)
                """);
    }

    private static int port() {
        return Integer.parseInt(db.url().replaceAll(".*:(\\d+)/.*", "$1"));
    }

    private static Run installSql(Map<String, String> environment) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("DATABASE_URL", db.url());
        return runJar(env, "--install-sql");
    }

    private record Run(int exit, String output) {
    }

    private static Run runJar(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", Path.of("target/launcher-cache").toAbsolutePath().toString());
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
