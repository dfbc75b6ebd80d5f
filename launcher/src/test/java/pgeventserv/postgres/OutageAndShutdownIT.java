package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.LaunchedServer;
import pgeventserv.Eventually;
import pgeventserv.PrivateCluster;
import pgeventserv.Scrape;
import pgeventserv.WebSocketClient;
import pgeventserv.WebSocketClient.Close;

/**
 * The database goes away and comes back, and the server is stopped: one server, booted against a private cluster
 * that is not running yet, taken through the faults in order (each step starts from the state the previous one
 * left). Debug logging is on so that every reconnect attempt shows at FINE, to prove the WARNING/INFO lines come
 * once per outage, not once per attempt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageAndShutdownIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final Pattern LOST = Pattern.compile("WARNING.*LISTEN connection lost");
    private static final Pattern BACK = Pattern.compile("INFO.*LISTEN connection back after");
    private static final Pattern RETRY = Pattern.compile("FINE.*reconnect attempt failed");

    static PrivateCluster cluster;
    static LaunchedServer server;
    static WebSocketClient raw;
    static WebSocketClient enveloped;

    @BeforeAll
    static void bootWithTheDatabaseDown() throws Exception {
        cluster = PrivateCluster.create();
        server = LaunchedServer.onLoopback("outage", cluster.url(), Map.of("Channels", "it*", "Debug", "true"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (WebSocketClient client : new WebSocketClient[] {raw, enveloped}) {
            if (client != null) {
                client.socket().abort();
            }
        }
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void startsNotReadyWhileTheDatabaseIsDownAndSaysWhy() throws Exception {
        Eventually.within(WAIT, "the listener reports the database unreachable",
                () -> server.log().contains("cannot reach the database, not ready"));
        assertTrue(server.log().contains("refused"), "the log says why");
        assertEquals(503, server.get("/health/ready").status());
        assertTrue(server.get("/health/ready").body().contains("\"state\":\"DOWN\""));
        assertEquals(200, server.get("/health/live").status(), "a missing database is no reason to restart the server");
        assertEquals(200, server.get("/").status(), "the server serves meanwhile");
    }

    @Test
    @Order(2)
    void servesOnceTheDatabaseAppears() throws Exception {
        // Opened while the database is down: no LISTEN to wait for, so the handshake does not wait.
        raw = WebSocketClient.connect(server.listenUri("it_outage"));
        enveloped = WebSocketClient.connect(server.listenUri("it_outage"), ENVELOPE);
        assertEquals(ENVELOPE, enveloped.socket().getSubprotocol());

        cluster.start();
        awaitReady();
        assertTrue(server.log().contains("LISTEN connection up"));
        assertGap(enveloped.next(WAIT));
        assertDelivered("after start");
    }

    @Test
    @Order(3)
    void terminatedListenBackendIsReplacedAndDeliveryResumes() throws Exception {
        int lost = server.logLines(LOST);
        int back = server.logLines(BACK);
        double reconnects = Scrape.metric(server.base(), "pg_eventserv_reconnects");

        // The LISTEN connection, and the pool's idle one if the server has asked for eventserv.events (it does once
        // a channel is LISTENed, to know where the channel's durable events begin; here it finds no schema).
        assertTrue(cluster.terminateOtherBackends() >= 1, "the LISTEN connection is among the server's connections");
        Eventually.within(WAIT, "the listener reconnects",
                () -> Scrape.metric(server.base(), "pg_eventserv_reconnects") == reconnects + 1);
        awaitReady();

        JsonObject gap = assertSurvivedWithOneLinePerChange(lost, back, "after pg_terminate_backend");
        assertEquals("outage", gap.getString("reason"), gap.toString());
        assertTrue(gap.containsKey("since") && gap.containsKey("until"), gap.toString());
    }

    @Test
    @Order(4)
    void clusterRestartIsSurvivedWithOneLogLinePerStateChange() throws Exception {
        int lost = server.logLines(LOST);
        int back = server.logLines(BACK);
        int retries = server.logLines(RETRY);

        cluster.stop();
        Eventually.within(WAIT, "readiness goes down", () -> server.get("/health/ready").status() == 503);
        Eventually.within(WAIT, "the listener retries several times",
                () -> server.logLines(RETRY) >= retries + 3);
        Instant restarted = Instant.now();
        cluster.start();
        awaitReady();

        JsonObject gap = assertSurvivedWithOneLinePerChange(lost, back, "after a restart");
        assertTrue(Instant.parse(gap.getString("until")).isAfter(restarted), "the gap ends after the restart");
    }

    @Test
    @Order(5)
    void sigtermClosesEverySessionWith1001AndReleasesTheListenConnection() throws Exception {
        try (WebSocketClient other = WebSocketClient.connect(server.listenUri("it_outage_other"))) {
            String before = cluster.logText();
            server.stop();

            for (WebSocketClient client : new WebSocketClient[] {raw, enveloped, other}) {
                Close close = client.awaitClose(WAIT);
                assertEquals(1001, close.code(), close.toString());
            }
            String during = cluster.logText().substring(before.length());
            assertTrue(during.contains("UNLISTEN *"), "the listener UNLISTENs before it lets the connection go");
            assertFalse(during.contains("unexpected EOF on client connection"), "the connection was closed, not dropped");
            assertEquals(0, cluster.otherBackends());
        }
    }

    /** Both sessions stayed open, the envelope one got the gap, delivery resumed, and the log said it once. */
    private static JsonObject assertSurvivedWithOneLinePerChange(int lost, int back, String payload) throws Exception {
        assertFalse(raw.isClosed(), "sessions stay open");
        assertFalse(enveloped.isClosed(), "sessions stay open");
        JsonObject gap = assertGap(enveloped.next(WAIT));
        assertDelivered(payload);
        assertEquals(lost + 1, server.logLines(LOST), "one warning for the outage, whatever the attempts");
        assertEquals(back + 1, server.logLines(BACK), "one line for the recovery");
        return gap;
    }

    private static void awaitReady() throws Exception {
        Eventually.within(WAIT, "/health/ready says UP", () -> server.get("/health/ready").status() == 200);
    }

    private static JsonObject assertGap(String frame) {
        assertTrue(frame != null, "a gap message arrives");
        JsonObject gap = Json.createReader(new StringReader(frame)).readObject();
        assertEquals("gap", gap.getString("type"), frame);
        assertTrue(Instant.parse(gap.getString("since")).isBefore(Instant.parse(gap.getString("until"))), frame);
        return gap;
    }

    /** A NOTIFY now reaches both clients: raw as is, enveloped in JSON. */
    private static void assertDelivered(String payload) throws Exception {
        try (Connection c = cluster.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, "it_outage");
            s.setString(2, payload);
            s.execute();
        }
        assertEquals(payload, raw.next(WAIT));
        JsonObject notification = Json.createReader(new StringReader(enveloped.next(WAIT))).readObject();
        assertEquals("notification", notification.getString("type"));
        assertEquals("it_outage", notification.getString("channel"));
        assertEquals(payload, notification.getString("payload"));
    }
}
