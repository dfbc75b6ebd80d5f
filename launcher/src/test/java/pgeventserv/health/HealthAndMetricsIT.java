package pgeventserv.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import pgeventserv.Deployments;
import pgeventserv.Eventually;
import pgeventserv.RawHttp;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/** {@code /health/live}, {@code /health/ready} and {@code /metrics}, read as a monitoring system would. */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void readyWithTheListenConnectionUpAndTheCanaryBack() throws Exception {
        Eventually.within(WAIT, "ready", () -> Scrape.status(base, "/health/ready") == 200);
        JsonObject ready = json(RawHttp.get(base, "/health/ready").body());
        assertEquals("UP", ready.getString("status"));
        JsonObject check = ready.getJsonArray("checks").getJsonObject(0);
        assertEquals("pg_eventserv LISTEN connection", check.getString("name"));
        assertEquals("UP", check.getJsonObject("data").getString("state"));
        assertTrue(Double.parseDouble(check.getJsonObject("data").getString("canaryRoundTripSeconds")) > 0);
    }

    @Test
    void liveWhileTheListenerThreadRuns() throws Exception {
        RawHttp.Response live = RawHttp.get(base, "/health/live");
        assertEquals(200, live.status());
        assertEquals("pg_eventserv listener thread",
                json(live.body()).getJsonArray("checks").getJsonObject(0).getString("name"));
    }

    /**
     * The first subscriber of a channel causes its LISTEN; the last one leaving its UNLISTEN, after a grace period.
     * Runs first, on the freshly deployed application, so no other test's channel is in its grace period.
     */
    @Test
    @Order(1)
    void channelIsListenedWhileItHasSubscribersAndUnlistenedAfterTheLast() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_unlisten");
        double before = Scrape.metric(base, "pg_eventserv_channels_listened");
        try (TestDatabase db = new TestDatabase()) {
            WebSocketClient first = WebSocketClient.connect(Deployments.listenUri(base, channel));
            WebSocketClient second = WebSocketClient.connect(Deployments.listenUri(base, channel));
            assertEquals(before + 1, Scrape.metric(base, "pg_eventserv_channels_listened"), "one LISTEN for two clients");
            first.close();
            db.notify(channel, "still listened");
            assertEquals("still listened", second.next(WAIT), "one client leaving keeps the channel");
            second.close();
            // HistoryAge (10 s in the tests' server, see arquillian.xml) keeps it LISTENed for clients coming back.
            assertEquals(before + 1, Scrape.metric(base, "pg_eventserv_channels_listened"), "kept for HistoryAge");
            Eventually.within(Duration.ofSeconds(40), "the channel is UNLISTENed HistoryAge after its last client left",
                    () -> Scrape.metric(base, "pg_eventserv_channels_listened") == before);
            try (WebSocketClient again = WebSocketClient.connect(Deployments.listenUri(base, channel))) {
                assertEquals(before + 1, Scrape.metric(base, "pg_eventserv_channels_listened"));
                db.notify(channel, "listened again");
                assertEquals("listened again", again.next(WAIT));
            }
        }
    }

    @Test
    void metricsCountSessionsChannelsNotificationsAndFrames() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_metrics");
        double received = Scrape.metric(base, "pg_eventserv_notifications_received");
        double sent = Scrape.metric(base, "pg_eventserv_frames_sent");
        double handOffs = Scrape.metric(base, "pg_eventserv_listener_handoffs");
        double handOffSeconds = Scrape.metric(base, "pg_eventserv_listener_handoff_seconds");
        try (TestDatabase db = new TestDatabase();
             WebSocketClient a = WebSocketClient.connect(Deployments.listenUri(base, channel));
             WebSocketClient b = WebSocketClient.connect(Deployments.listenUri(base, channel))) {
            assertTrue(Scrape.metric(base, "pg_eventserv_sessions_open") >= 2);
            assertTrue(Scrape.metric(base, "pg_eventserv_channels_listened") >= 1);
            for (int i = 0; i < 5; i++) {
                db.notify(channel, "m" + i);
            }
            assertEquals(5, a.take(5, WAIT).size());
            assertEquals(5, b.take(5, WAIT).size());
            assertTrue(Scrape.metric(base, "pg_eventserv_notifications_received") >= received + 5);
            Eventually.within(WAIT, "both clients' frames are counted",
                    () -> Scrape.metric(base, "pg_eventserv_frames_sent") >= sent + 10);
            Eventually.within(WAIT, "the polls that brought them and their hand-off time are counted",
                    () -> Scrape.metric(base, "pg_eventserv_listener_handoffs") >= handOffs + 1
                            && Scrape.metric(base, "pg_eventserv_listener_handoff_seconds") > handOffSeconds);
        }
        String text = RawHttp.get(base, "/metrics").body();
        for (String name : new String[] {"pg_eventserv_sessions_closed_slow", "pg_eventserv_frames_dropped",
                "pg_eventserv_reconnects"}) {
            assertTrue(Scrape.metric(text, name) >= 0, name);
        }
        assertTrue(Scrape.metric(text, "pg_eventserv_canary_round_trip_seconds") > 0);
        assertTrue(text.contains("# TYPE pg_eventserv_sessions_open gauge"), "Prometheus text format");
    }

    /**
     * Payara Micro's WebSocket implementation is Tyrus over Grizzly: its sessions must take the direct path, frames
     * handed straight to the Grizzly connection, faster than the raw path through Tyrus and about 30x faster at
     * fan-out than the portable one. A Payara upgrade that breaks the probe, or the way down to a session's
     * connection (the first session it fails for turns the path to raw), fails here, not silently in production.
     */
    @Test
    void payaraMicroWritesFramesOnTheDirectSendPath() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_direct");
        try (TestDatabase db = new TestDatabase();
             WebSocketClient client = WebSocketClient.connect(Deployments.listenUri(base, channel))) {
            db.notify(channel, "straight to the connection");
            assertEquals(List.of("straight to the connection"), client.take(1, WAIT));
        }
        String text = RawHttp.get(base, "/metrics").body();
        assertTrue(text.matches("(?s).*\\npg_eventserv_send_path\\{[^}]*path=\"direct\"[^}]*\\} 1(\\.0)?\\n.*"),
                "direct path in use:\n" + text);
        assertTrue(text.matches("(?s).*\\npg_eventserv_send_path\\{[^}]*path=\"raw\"[^}]*\\} 0(\\.0)?\\n.*"),
                "raw path not in use:\n" + text);
        assertTrue(text.matches("(?s).*\\npg_eventserv_send_path\\{[^}]*path=\"portable\"[^}]*\\} 0(\\.0)?\\n.*"),
                "portable path not in use:\n" + text);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
