package pgeventserv.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.Browser;
import pgeventserv.DurableDatabase;
import pgeventserv.EventStreamClient;
import pgeventserv.EventStreamClient.Event;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.Scrape;
import pgeventserv.WebSocketClient;

/**
 * Durable events end to end: a server on a private cluster with sql/pg_eventserv.sql installed, clients over
 * server-sent events and raw WebSocket, publishers through {@code eventserv.publish}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static DurableDatabase db;
    static LaunchedServer server;

    @BeforeAll
    static void boot() throws Exception {
        db = DurableDatabase.start();
        db.installFresh();
        server = launch();
    }

    private static LaunchedServer launch() throws Exception {
        LaunchedServer launched = LaunchedServer.onLoopback("durable", db.url(), Map.of("Channels", "it*"));
        Eventually.within(WAIT, "ready", () -> launched.get("/health/ready").status() == 200);
        return launched;
    }

    @AfterAll
    static void cleanUp() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static EventStreamClient stream(String channel, String... headers) throws Exception {
        EventStreamClient client = EventStreamClient.open(server.base(), "/listen/" + channel, headers);
        assertEquals(200, client.status(), client.head() + "\n" + client.refusal());
        return client;
    }

    private static void publish(String channel, String payload) throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, channel, payload);
        }
    }

    private static void notify(String channel, String payload) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static List<String> data(List<Event> events) {
        return events.stream().map(Event::data).toList();
    }

    @Test
    @Order(1)
    void forgedHintsFromAnotherSessionDeliverNothingAndStopNothing() throws Exception {
        try (EventStreamClient sse = stream("it_forged")) {
            double ignored = Scrape.metric(server.base(), "pg_eventserv_durable_references_ignored");
            for (int i = 0; i < 3; i++) {
                notify("it_forged", "\u001Epg_eventserv durable 1-999999999999999999");
            }
            publish("it_forged_other", "another channel's row");
            long foreign = newestPosition();
            notify("it_forged", "\u001Epg_eventserv durable " + foreign + "-" + foreign);
            // The next transaction's position, guessed: its rows will exist when the hint is read, but are not ours.
            notify("it_forged", "\u001Epg_eventserv durable " + (foreign + 1) + "-" + (foreign + 1));
            for (int i = 1; i <= 5; i++) {
                publish("it_forged", "real " + i);
            }
            notify("it_forged", "plain");
            List<Event> got = sse.take(6, WAIT);
            assertEquals(List.of("real 1", "real 2", "real 3", "real 4", "real 5", "plain"), data(got));
            assertTrue(got.subList(0, 5).stream().allMatch(e -> e.id().matches("d\\d+")), got.toString());
            Eventually.within(WAIT, "the forged hints counted",
                    () -> Scrape.metric(server.base(), "pg_eventserv_durable_references_ignored") >= ignored + 5);
        }
    }

    private static long newestPosition() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT max(position) FROM eventserv.events")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    @Order(1)
    void aLargePayloadPublishedInATriggerReachesAnEventStreamAndARawWebSocketByteForByte() throws Exception {
        db.execute("""
                CREATE TABLE it_documents (body text);
                CREATE FUNCTION it_documents_publish() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM eventserv.publish('it_large', NEW.body);
                  RETURN NEW;
                END $$;
                CREATE TRIGGER it_documents_publish AFTER INSERT ON it_documents
                  FOR EACH ROW EXECUTE FUNCTION it_documents_publish()""");
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 100_000; i++) {
            body.append("{\"n\":").append(i).append(",\"text\":\"é € 😀 \\\" <>\"} ");
        }
        String payload = body.toString();
        try (EventStreamClient sse = stream("it_large");
                WebSocketClient raw = WebSocketClient.connect(server.listenUri("it_large"))) {
            try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO it_documents VALUES (?)")) {
                s.setString(1, payload);
                s.execute();
            }
            Event event = sse.next(WAIT);
            assertEquals(payload, event.data());
            assertTrue(event.id().matches("d\\d+"), event.id());
            assertEquals(payload, raw.next(WAIT));
        }
    }

    @Test
    @Order(1)
    void aLargePayloadPublishedInATriggerReachesABrowsersEventSource() throws Exception {
        db.execute("""
                CREATE TABLE it_pages (body text);
                CREATE FUNCTION it_pages_publish() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM eventserv.publish('it_browser', NEW.body);
                  RETURN NEW;
                END $$;
                CREATE TRIGGER it_pages_publish AFTER INSERT ON it_pages
                  FOR EACH ROW EXECUTE FUNCTION it_pages_publish()""");
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 100_000; i++) {
            body.append("{\"n\":").append(i).append(",\"text\":\"é € 😀 <>\"} ");
        }
        String payload = body.toString();
        try (Browser browser = Browser.start()) {
            // The viewer's origin, so the stream is same-origin, as a page of the user's would be behind the relay.
            browser.driver().get(server.base().toString());
            browser.script("""
                    window.received = [];
                    window.opened = false;
                    const source = new EventSource('listen/it_browser');
                    source.onopen = () => { window.opened = true; };
                    source.onmessage = e => window.received.push({id: e.lastEventId, data: e.data});""");
            browser.await(WAIT, d -> Boolean.TRUE.equals(browser.script("return window.opened;")) ? true : null);
            try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("INSERT INTO it_pages VALUES (?)")) {
                s.setString(1, payload);
                s.execute();
            }
            browser.await(WAIT, d -> ((Number) browser.script("return window.received.length;")).intValue() > 0 ? true : null);
            assertEquals(payload, browser.script("return window.received[0].data;"));
            assertTrue(((String) browser.script("return window.received[0].id;")).matches("d\\d+"));
        }
    }

    @Test
    @Order(2)
    void durableEventsCommittedWhileTheListenConnectionIsDownArriveAfterItOnceInOrder() throws Exception {
        List<String> sent = new ArrayList<>();
        try (EventStreamClient sse = stream("it_outage_durable")) {
            publish("it_outage_durable", "before");
            sent.add("before");
            assertEquals("before", sse.next(WAIT).data());
            // The server's connections go (the LISTEN one among them): what is committed until it is back is heard
            // by nobody, and must come from the table.
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE pid <> pg_backend_pid() AND datname = current_database()");
            for (int i = 0; i < 30; i++) {
                publish("it_outage_durable", "during " + i);
                sent.add("during " + i);
            }
            List<String> got = new ArrayList<>(List.of("before"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (got.size() < sent.size() && System.nanoTime() < deadline) {
                Event event = sse.next(WAIT);
                if (event != null && event.type().equals("message")) {
                    got.add(event.data());
                }
            }
            assertEquals(sent, got);
        }
    }

    @Test
    @Order(2)
    void durableAndPlainNotificationsOfAChannelArriveInCommitOrder() throws Exception {
        List<String> sent = new ArrayList<>();
        try (EventStreamClient sse = stream("it_order")) {
            for (int i = 0; i < 40; i++) {
                String payload = (i % 3 == 0 ? "plain " : "durable ") + i;
                if (i % 3 == 0) {
                    notify("it_order", payload);
                } else {
                    publish("it_order", payload);
                }
                sent.add(payload);
            }
            List<Event> got = sse.take(sent.size(), WAIT);
            assertEquals(sent, data(got));
            for (Event e : got) {
                assertTrue(e.data().startsWith("durable") ? e.id().matches("d\\d+") : e.id().matches("\\w+\\.\\d+\\.\\d+"),
                        e.toString());
            }
        }
    }

    @Test
    @Order(3)
    void afterARestartAResumeFromADurableIdGetsTheDurableEventsMissedAfterAGap() throws Exception {
        String lastSeen;
        try (EventStreamClient sse = stream("it_restart")) {
            publish("it_restart", "seen");
            lastSeen = sse.next(WAIT).id();
        }
        server.stop();
        publish("it_restart", "missed 1");
        notify("it_restart", "plain, lost: nobody listens");
        publish("it_restart", "missed 2");
        publish("it_other", "another channel");
        publish("it_restart", "missed 3");
        server = launch();
        try (EventStreamClient sse = stream("it_restart", "Last-Event-ID: " + lastSeen)) {
            Event gap = sse.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            assertEquals("unknown", json(gap.data()).getString("reason"));
            List<Event> missed = sse.take(3, WAIT);
            assertEquals(List.of("missed 1", "missed 2", "missed 3"), data(missed));
            assertTrue(missed.stream().allMatch(e -> e.id().matches("d\\d+")), missed.toString());
            publish("it_restart", "live");
            assertEquals("live", sse.next(WAIT).data(), "then live, nothing doubled");
        }
    }

    @Test
    @Order(4)
    void aResumeFromBeforeTheRetainedRangeGetsARetentionGap() throws Exception {
        for (int i = 1; i <= 3; i++) {
            publish("it_retention", "kept? " + i);
        }
        List<Long> positions = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT position FROM eventserv.events WHERE channel = 'it_retention' ORDER BY position")) {
            while (r.next()) {
                positions.add(r.getLong(1));
            }
        }
        // What the retention does when the rows are older than DurableRetention.
        db.execute("DELETE FROM eventserv.events WHERE position <= " + positions.get(1));
        try (EventStreamClient sse = stream("it_retention", "Last-Event-ID: d" + positions.get(0))) {
            Event gap = sse.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            assertEquals("retention", json(gap.data()).getString("reason"));
            Event kept = sse.next(WAIT);
            assertEquals("kept? 3", kept.data());
            assertEquals("d" + positions.get(2), kept.id());
        }
    }

    @Test
    @Order(5)
    void aTableDroppedWhileRunningIsOneLogLineAndPlainNotifyGoesOn() throws Exception {
        try (EventStreamClient sse = stream("it_dropped")) {
            db.execute("DROP SCHEMA eventserv CASCADE");
            notify("it_dropped", "\u001Epg_eventserv durable 999-999");
            notify("it_dropped", "\u001Epg_eventserv durable 1000-1000");
            notify("it_dropped", "plain still works");
            // A hint whose read fails is a gap for its channel's clients; once the table is known to be gone, hints
            // are not read at all (none could be true) and only counted.
            List<Event> got = new ArrayList<>();
            for (int i = 0; i < 3 && (got.isEmpty() || !got.get(got.size() - 1).type().equals("message")); i++) {
                got.addAll(sse.take(1, WAIT));
            }
            assertEquals("plain still works", got.get(got.size() - 1).data());
            assertTrue(got.size() <= 3 && got.subList(0, got.size() - 1).stream().allMatch(e -> e.type().equals("gap")
                    && e.data().contains("\"reason\":\"unknown\"")), got.toString());
            Eventually.within(WAIT, "the missing table logged",
                    () -> server.logLines(Pattern.compile("table eventserv.events is gone")) == 1);
            // The table is known to be gone now: a hint is not even read, and nothing waits for it.
            notify("it_dropped", "\u001Epg_eventserv durable 1001-1001");
            notify("it_dropped", "and again");
            assertEquals("and again", sse.next(WAIT).data());
            assertEquals(1, server.logLines(Pattern.compile("table eventserv.events is gone")), "logged once");
        } finally {
            db.installFresh();
        }
    }
}
