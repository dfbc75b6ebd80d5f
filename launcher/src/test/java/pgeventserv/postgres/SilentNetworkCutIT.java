package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.RawHttp;
import pgeventserv.Scrape;
import pgeventserv.SilentProxy;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * The network to the database goes silent (no FIN, no RST: packets dropped) and comes back. Nothing tells the
 * LISTEN connection; the canary's round trip, bounded by the connection's network timeout, must. The server's
 * pool goes through a {@link SilentProxy} to the test database; the notifications are sent to the database
 * directly, as an application beside the server would. Debug logging is on, so that the log in
 * {@code target/it/silent-cut.log} shows each attempt.
 */
class SilentNetworkCutIT {

    /** Canary every 5 s, network timeout 10 s, then reconnect attempts that must not hang on the dead path. */
    private static final Duration DETECT = Duration.ofSeconds(45);
    private static final Duration RECOVER = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void silentCutIsDetectedReportedAndSurvivedWithTheSessionsOpen() throws Exception {
        URI test = URI.create(TestDatabase.URL);
        String channel = TestDatabase.uniqueChannel("it_cut");
        try (SilentProxy proxy = new SilentProxy(test.getHost(), test.getPort() < 0 ? 5432 : test.getPort());
             TestDatabase db = new TestDatabase();
             LaunchedServer server = LaunchedServer.onLoopback("silent-cut", throughProxy(test, proxy.port()),
                     Map.of("Channels", "it*", "Debug", "true"));
             WebSocketClient client = WebSocketClient.connect(server.listenUri(channel));
             WebSocketClient enveloped = WebSocketClient.connect(server.listenUri(channel), "pg_eventserv.envelope.v1")) {
            Eventually.within(WAIT, "ready", () -> server.get("/health/ready").status() == 200);
            db.notify(channel, "before the cut");
            assertEquals("before the cut", client.next(WAIT));
            assertTrue(enveloped.next(WAIT).contains("before the cut"));

            Instant cut = Instant.now();
            proxy.cut();
            // Sent during the stall: PostgreSQL delivers it to a connection that no longer forwards, so it is lost.
            db.notify(channel, "during the cut");
            // Readiness falls first, when the canary's round trip has gone unanswered for 2 s (the connection still
            // up, but stalled); the connection is given up when that round trip runs into the network timeout.
            Eventually.within(DETECT, "readiness goes down, reporting the stall", () -> {
                RawHttp.Response ready = server.get("/health/ready");
                String data = ready.body().replaceAll("\\s", "");
                return ready.status() == 503 && data.matches(".*\"stalled\":\"?true.*") && data.contains("\"state\":\"UP\"")
                        && Scrape.metric(server.base(), "pg_eventserv_listener_stalled") == 1;
            });
            Eventually.within(DETECT, "the connection is reported lost",
                    () -> server.log().contains("LISTEN connection lost"));

            // A reconnect attempt meets the dead path too before it comes back: it may not hang for good.
            Eventually.within(DETECT, "a reconnect attempt goes into the cut", () -> proxy.openedWhileCut() > 0);
            proxy.restore();
            Eventually.within(RECOVER, "readiness comes back", () -> server.get("/health/ready").status() == 200);
            assertTrue(server.log().contains("LISTEN connection back after"), server.log());
            db.notify(channel, "after the cut");
            assertEquals("after the cut", client.next(WAIT), "the session stayed open and delivery resumed");
            JsonObject gap = Json.createReader(new StringReader(enveloped.next(WAIT))).readObject();
            assertEquals("outage", gap.getString("reason"), gap.toString());
            assertFalse(Instant.parse(gap.getString("since")).isAfter(cut),
                    "the outage told starts no later than the cut, so it covers what was lost in the stall: " + gap);
        }
    }

    private static String throughProxy(URI database, int port) {
        return database.getScheme() + "://" + (database.getRawUserInfo() == null ? "" : database.getRawUserInfo() + "@")
                + "127.0.0.1:" + port + database.getRawPath() + (database.getRawQuery() == null ? "" : "?" + database.getRawQuery());
    }
}
