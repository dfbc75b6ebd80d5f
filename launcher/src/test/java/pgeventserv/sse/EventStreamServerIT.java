package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.EventStreamClient;
import pgeventserv.EventStreamClient.Event;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.PrivateCluster;
import pgeventserv.Scrape;

/**
 * Event streams on a server of its own, on a database of its own: a keep-alive every second, a history of five
 * notifications, three sessions at most; its LISTEN backend is killed, and at the end it is stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventStreamServerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_SESSIONS = 3;

    static PrivateCluster cluster;
    static LaunchedServer server;

    @BeforeAll
    static void boot() throws Exception {
        cluster = PrivateCluster.create();
        cluster.start();
        server = LaunchedServer.onLoopback("sse", cluster.url(), Map.of("Channels", "it*", "PingInterval", "1s",
                "HistoryMessages", "5", "MaxSessions", Integer.toString(MAX_SESSIONS)));
        Eventually.within(WAIT, "ready", () -> server.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void cleanUp() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Streams of the previous test are gone, so each test starts with every place free. */
    @BeforeEach
    void noSessionsOpen() throws Exception {
        Eventually.within(WAIT, "no session open",
                () -> Scrape.metric(server.base(), "pg_eventserv_sessions_open") == 0);
    }

    private EventStreamClient stream(String channel, String... headers) throws Exception {
        EventStreamClient client = EventStreamClient.open(server.base(), "/listen/" + channel, headers);
        assertEquals(200, client.status(), client.head() + "\n" + client.refusal());
        return client;
    }

    private void notify(String channel, String payload) throws Exception {
        try (Connection c = cluster.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }

    @Test
    @Order(1)
    void keepAliveCommentComesEveryPingIntervalAndTheStreamCountsAsASession() throws Exception {
        try (EventStreamClient client = stream("it_sse_keepalive")) {
            assertEquals(1, Scrape.metric(server.base(), "pg_eventserv_sessions_open"));
            assertTrue(client.awaitComment(Duration.ofSeconds(10)), "a keep-alive comment");
            assertTrue(client.awaitComment(Duration.ofSeconds(10)), "and another");
            assertEquals(List.of("keep-alive", "keep-alive"), client.comments());
            notify("it_sse_keepalive", "between keep-alives");
            assertEquals("between keep-alives", client.next(WAIT).data());
        }
    }

    @Test
    @Order(2)
    void clientThatGoesAwayFreesItsSession() throws Exception {
        EventStreamClient client = stream("it_sse_away");
        assertEquals(1, Scrape.metric(server.base(), "pg_eventserv_sessions_open"));
        client.close();
        Eventually.within(WAIT, "the session of a client that went away ends",
                () -> Scrape.metric(server.base(), "pg_eventserv_sessions_open") == 0);
    }

    @Test
    @Order(3)
    void streamsBeyondMaxSessionsGet503() throws Exception {
        List<EventStreamClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SESSIONS; i++) {
                open.add(stream("it_sse_cap"));
            }
            try (EventStreamClient refused = EventStreamClient.open(server.base(), "/listen/it_sse_cap")) {
                assertEquals(503, refused.status(), refused.head());
                assertTrue(refused.refusal().contains("too many sessions"), refused.refusal());
            }
        } finally {
            open.forEach(EventStreamClient::close);
        }
    }

    @Test
    @Order(4)
    void idOlderThanTheHistoryGetsAGapThenWhatTheHistoryHolds() throws Exception {
        String first;
        try (EventStreamClient client = stream("it_sse_old")) {
            for (int i = 0; i < 10; i++) {
                notify("it_sse_old", Integer.toString(i));
            }
            List<Event> events = client.take(10, WAIT);
            assertEquals(10, events.size());
            first = events.get(0).id();
        }
        try (EventStreamClient client = stream("it_sse_old", "Last-Event-ID: " + first)) {
            Event gap = client.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            JsonObject json = json(gap.data());
            assertEquals("history", json.getString("reason"));
            assertEquals(first, json.getString("lastEventId"));
            List<String> replayed = client.take(5, WAIT).stream().map(Event::data).toList();
            assertEquals(List.of("5", "6", "7", "8", "9"), replayed, "the five the history holds");
        }
    }

    @Test
    @Order(5)
    void killedListenBackendIsToldAsAGapAndDeliveryGoesOn() throws Exception {
        try (EventStreamClient client = stream("it_sse_kill")) {
            double reconnects = Scrape.metric(server.base(), "pg_eventserv_reconnects");
            Instant killed = Instant.now();
            assertTrue(cluster.terminateOtherBackends() >= 1, "the LISTEN connection was terminated");
            Eventually.within(WAIT, "the listener reconnects",
                    () -> Scrape.metric(server.base(), "pg_eventserv_reconnects") > reconnects);
            Eventually.within(WAIT, "ready again", () -> server.get("/health/ready").status() == 200);
            Event gap = client.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            JsonObject json = json(gap.data());
            assertEquals("outage", json.getString("reason"));
            assertEquals("it_sse_kill", json.getString("channel"));
            assertTrue(!Instant.parse(json.getString("until")).isBefore(killed), json.toString());
            notify("it_sse_kill", "after the outage");
            assertEquals("after the outage", client.next(WAIT).data());
        }
    }

    @Test
    @Order(6)
    void shutdownEndsTheStream() throws Exception {
        try (EventStreamClient client = stream("it_sse_shutdown")) {
            notify("it_sse_shutdown", "before");
            assertEquals("before", client.next(WAIT).data());
            server.stop();
            Event after;
            do {
                after = client.next(WAIT);
            } while (after != null && after.type().equals("message"));
            assertNull(after, "the stream ends");
            assertTrue(client.ended(), "ended as HTTP says, not cut off");
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
