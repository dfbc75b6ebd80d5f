package pgeventserv.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.DurableDatabase;
import pgeventserv.EventStreamClient;
import pgeventserv.EventStreamClient.Event;
import pgeventserv.Eventually;
import pgeventserv.JarRun;
import pgeventserv.LaunchedServer;
import pgeventserv.PrivateCluster;
import pgeventserv.Scrape;

/**
 * Durable events as managed PostgreSQL allows them, on a private cluster: a database owner without superuser
 * ({@code NOSUPERUSER CREATEDB CREATEROLE}, what RDS, Cloud SQL and the like give) installs the schema with
 * {@code --install-sql}; the server runs as a separate role that may only read and delete, an application role
 * publishes; the check at start names a missing grant; a {@code pg_dump} and {@code pg_restore} into a fresh
 * database keeps every event, and the server resumes a client there by its last id. Then an earlier release's
 * schema {@code pg_eventserv} is upgraded under a running server, and a client resumes across it, nothing lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagedDatabaseIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHANNEL = "it_managed";
    private static final String OWNER = "managed_owner";
    private static final String SERVER = "managed_server";
    private static final String APP = "managed_app";
    private static final String DATABASE = "managed_app_db";
    private static final String RESTORED = "managed_restored_db";
    private static final String LEGACY = "managed_legacy_db";

    static DurableDatabase db;
    static PrivateCluster cluster;
    static LaunchedServer server;
    /** The id of the second event the client saw before the dump, and the events after it. */
    static String seenBeforeDump;

    @BeforeAll
    static void boot() throws Exception {
        db = DurableDatabase.start();
        cluster = db.cluster();
        db.execute("CREATE ROLE " + OWNER + " LOGIN NOSUPERUSER CREATEDB CREATEROLE");
        try (Connection owner = cluster.connect(OWNER, "postgres")) {
            execute(owner, "CREATE DATABASE " + DATABASE);
        }
        JarRun install = JarRun.of(Map.of("DATABASE_URL", cluster.url(OWNER, DATABASE)), "--install-sql");
        assertEquals(0, install.exit(), install.output());
        assertEquals("pg_eventserv: schema eventserv installed at version 4 in " + OWNER + "@127.0.0.1:" + cluster.port()
                + "/" + DATABASE, install.output().trim());
        try (Connection owner = cluster.connect(OWNER, DATABASE)) {
            execute(owner, "CREATE ROLE " + SERVER + " LOGIN; CREATE ROLE " + APP + " LOGIN IN ROLE eventserv_publisher");
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @AfterAll
    static void cleanUp() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    void aServerRoleWithoutTheRelayRoleIsOneWarningNamingTheGrantAndReadinessStaysUp() throws Exception {
        server = launch(cluster.url(SERVER, DATABASE));
        Pattern warning = Pattern.compile("WARNING.*the server's database user " + SERVER + " may not read and delete"
                + " eventserv.events.*GRANT eventserv_relay TO " + SERVER);
        Eventually.within(WAIT, "the missing grant logged", () -> server.logLines(warning) == 1);
        assertEquals(0, metric("pg_eventserv_durable_schema_ready"));
        assertEquals(200, server.get("/health/ready").status(), "plain NOTIFY needs no schema");
    }

    @Test
    @Order(2)
    void theLeastPrivilegedServerDeliversWhatTheApplicationRolePublishesAndResumesAClient() throws Exception {
        try (Connection owner = cluster.connect(OWNER, DATABASE)) {
            execute(owner, "GRANT eventserv_relay TO " + SERVER);
        }
        server = launch(cluster.url(SERVER, DATABASE));
        Eventually.within(WAIT, "the schema checked", () -> metric("pg_eventserv_durable_schema_ready") == 1);
        String lastId;
        try (EventStreamClient sse = stream(CHANNEL)) {
            publish(DATABASE, "one");
            publish(DATABASE, "two");
            List<Event> got = sse.take(2, WAIT);
            assertEquals(List.of("one", "two"), data(got));
            lastId = got.get(1).id();
        }
        seenBeforeDump = lastId;
        publish(DATABASE, "three");
        publish(DATABASE, "four");
        try (EventStreamClient back = stream(CHANNEL, "Last-Event-ID: " + lastId)) {
            assertEquals(List.of("three", "four"), data(back.take(2, WAIT)));
        }
        assertEquals(0, server.logLines(Pattern.compile("WARNING.*durable events")), "nothing to warn about");
    }

    @Test
    @Order(3)
    void aDumpRestoredIntoAFreshDatabaseKeepsEveryEventAndTheServerResumesAClientThereByItsLastId() throws Exception {
        Path dump = Files.createTempFile("managed-", ".dump");
        try {
            program("pg_dump", "-Fc", "-f", dump.toString(), "-U", OWNER, "-d", DATABASE);
            try (Connection owner = cluster.connect(OWNER, "postgres")) {
                execute(owner, "CREATE DATABASE " + RESTORED);
            }
            program("pg_restore", "--exit-on-error", "-U", OWNER, "-d", RESTORED, dump.toString());
        } finally {
            Files.deleteIfExists(dump);
        }
        server = launch(cluster.url(SERVER, RESTORED));
        Eventually.within(WAIT, "the schema checked", () -> metric("pg_eventserv_durable_schema_ready") == 1);
        try (EventStreamClient back = stream(CHANNEL, "Last-Event-ID: " + seenBeforeDump)) {
            Event gap = back.next(WAIT);
            assertEquals("gap", gap.type(), "plain notifications of another run may be missed: " + gap);
            assertEquals(List.of("three", "four"), data(back.take(2, WAIT)), "the durable ones come from the restored table");
            publish(RESTORED, "five");
            Event five = back.next(WAIT);
            assertEquals("five", five.data());
            assertEquals("d5", five.id(), "positions go on where the dump left them");
        }
    }

    /** The previous release's install (schema pg_eventserv, by a superuser), upgraded while a server runs. */
    @Test
    @Order(4)
    void anEarlierReleasesSchemaIsOneWarningThenUpgradedInPlaceAndAClientResumesAcrossItWithNothingLost() throws Exception {
        db.execute("CREATE DATABASE " + LEGACY);
        try (Connection c = cluster.connect("postgres", LEGACY); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute(earlierScript());
            c.commit();
            c.setAutoCommit(true);
            s.execute("SELECT pg_eventserv.publish('" + CHANNEL + "', 'before 1')");
            s.execute("SELECT pg_eventserv.publish('" + CHANNEL + "', 'before 2')");
        }
        server = launch(cluster.url("postgres", LEGACY));
        Pattern warning = Pattern.compile("WARNING.*durable events off: this database has the schema pg_eventserv of an earlier"
                + " release, this server reads eventserv; run pg_eventserv --install-sql");
        Eventually.within(WAIT, "the earlier schema logged", () -> server.logLines(warning) == 1);
        assertEquals(0, metric("pg_eventserv_durable_schema_ready"));
        assertEquals(200, server.get("/health/ready").status());

        JarRun upgrade = JarRun.of(Map.of("DATABASE_URL", cluster.url("postgres", LEGACY)), "--install-sql");
        assertEquals(0, upgrade.exit(), upgrade.output());
        assertTrue(upgrade.output().contains("upgraded from version 3 (schema pg_eventserv) to version 4"), upgrade.output());

        // A client that saw "before 1" (d1) under the earlier release.
        try (EventStreamClient back = stream(CHANNEL, "Last-Event-ID: d1")) {
            Event gap = back.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            Event kept = back.next(WAIT);
            assertEquals("before 2", kept.data());
            assertEquals("d2", kept.id());
            try (Connection c = cluster.connect("postgres", LEGACY)) {
                DurableDatabase.publish(c, CHANNEL, "after");
            }
            Event after = back.next(WAIT);
            assertEquals("after", after.data());
            assertEquals("d3", after.id());
        }
    }

    private static LaunchedServer launch(String databaseUrl) throws Exception {
        LaunchedServer launched = LaunchedServer.onLoopback("managed-database", databaseUrl, Map.of("Channels", "it*"));
        Eventually.within(WAIT, "ready", () -> launched.get("/health/ready").status() == 200);
        return launched;
    }

    private static EventStreamClient stream(String channel, String... headers) throws Exception {
        EventStreamClient client = EventStreamClient.open(server.base(), "/listen/" + channel, headers);
        assertEquals(200, client.status(), client.head() + "\n" + client.refusal());
        return client;
    }

    /** Publishes as the application's role, which holds eventserv_publisher and nothing else. */
    private static void publish(String database, String payload) throws SQLException {
        try (Connection app = cluster.connect(APP, database)) {
            DurableDatabase.publish(app, CHANNEL, payload);
        }
    }

    private static double metric(String name) throws Exception {
        return Scrape.metric(server.base(), name);
    }

    private static List<String> data(List<Event> events) {
        return events.stream().map(Event::data).toList();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String earlierScript() throws Exception {
        try (var in = ManagedDatabaseIT.class.getResourceAsStream("/earlier/pg_eventserv-3.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs a client program of the cluster (pg_dump, pg_restore) against it; fails the test when it fails. */
    private static void program(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cluster.program(name).toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(cluster.port())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name);
        assertEquals(0, p.exitValue(), name + ": " + out);
    }
}
