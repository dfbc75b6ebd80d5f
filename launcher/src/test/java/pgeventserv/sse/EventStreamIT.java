package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import pgeventserv.Deployments;
import pgeventserv.EventStreamClient;
import pgeventserv.EventStreamClient.Event;
import pgeventserv.RawHttp;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;

/**
 * Server-sent events end to end: NOTIFY in, {@code text/event-stream} out, read off the wire as an
 * {@code EventSource} reads it. The test server allows channels {@code it*} and bounds each queue at 2,000
 * messages (arquillian.xml).
 */
@ExtendWith(ArquillianExtension.class)
class EventStreamIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    static TestDatabase db;

    @BeforeAll
    static void open() throws Exception {
        db = new TestDatabase();
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    private EventStreamClient stream(String channel, String... headers) throws Exception {
        return EventStreamClient.open(base, "/listen/" + Deployments.encodeSegment(channel), headers);
    }

    @Test
    void streamOpensWith200EventStreamHeadersAndRetryFirstAndDeliversWhatIsNotifiedAfterIt() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_open");
        try (EventStreamClient client = stream(channel)) {
            assertEquals(200, client.status(), client.head());
            String type = client.header("Content-Type").toLowerCase(Locale.ROOT).replace(" ", "");
            assertTrue(type.startsWith("text/event-stream"), type);
            assertTrue(type.contains("charset=utf-8"), type);
            assertEquals("no-store", client.header("Cache-Control"));
            assertEquals("no", client.header("X-Accel-Buffering"));
            // Subscribed on open: a NOTIFY committed once the answer has started is delivered.
            db.notify(channel, "hello");
            Event event = client.next(WAIT);
            assertEquals("retry: 2000", client.firstLine());
            assertEquals("2000", client.retry());
            assertEquals("message", event.type());
            assertEquals("hello", event.data());
            assertTrue(event.id().matches("[!-~]{1,64}"), "an id of at most 64 printable ASCII characters: " + event.id());
        }
    }

    @Test
    void payloadsArriveExactWithCrAndCrLfAsLf() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_exact");
        String multiByte = "ü日🎉".repeat(888) + "x".repeat(7);
        assertEquals(7999, multiByte.getBytes(StandardCharsets.UTF_8).length);
        String[][] sentAndReceived = {
            {"line one\nline two\n\nline four\n", "line one\nline two\n\nline four\n"},
            {"", ""},
            {multiByte, multiByte},
            {" leading space\n: colon\ndata: not a field", " leading space\n: colon\ndata: not a field"},
            {"crlf\r\nbreaks\r\n", "crlf\nbreaks\n"},
            {"cr\rbreaks\r", "cr\nbreaks\n"},
            {"{\"json\": [1, 2]}", "{\"json\": [1, 2]}"},
        };
        try (EventStreamClient client = stream(channel)) {
            for (String[] pair : sentAndReceived) {
                db.notify(channel, pair[0]);
            }
            List<Event> events = client.take(sentAndReceived.length, WAIT);
            assertEquals(sentAndReceived.length, events.size());
            for (int i = 0; i < events.size(); i++) {
                assertEquals(sentAndReceived[i][1], events.get(i).data(), "payload " + i);
            }
        }
    }

    /**
     * A producer keeps notifying (at most some 600 ahead of the client, within the history of 1,000) while the
     * client reads a while, drops the connection and comes back with its last id: by header and by parameter in
     * turn. Every notification arrives once, in order, and no gap is reported.
     */
    @Test
    void resumingWithLastEventIdHeaderOrParameterMissesAndDoublesNothingWhileNotifiesKeepComing() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_resume");
        int total = 20_000;
        int batch = 100;
        int perConnection = 2_300;
        AtomicInteger received = new AtomicInteger();
        // Started once the first stream is open: what is notified before a channel is LISTENed is never heard.
        Runnable produce = () -> {
            try (TestDatabase producing = new TestDatabase();
                 PreparedStatement send = producing.connection().prepareStatement(
                         "SELECT count(pg_notify(?, i::text)) FROM generate_series(?, ?) i")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                for (int from = 0; from < total; from += batch) {
                    while (from - received.get() > 500) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("the client fell behind at " + received.get());
                        }
                        Thread.sleep(2);
                    }
                    send.setString(1, channel);
                    send.setInt(2, from);
                    send.setInt(3, from + batch - 1);
                    send.execute();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        CompletableFuture<Void> producer = null;
        int connections = 0;
        String lastId = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        try {
            while (received.get() < total && System.nanoTime() < deadline) {
                String path = "/listen/" + channel;
                String[] headers = {};
                if (lastId != null && connections % 2 == 0) {
                    headers = new String[] {"Last-Event-ID: " + lastId};
                } else if (lastId != null) {
                    path += "?lastEventId=" + Deployments.encodeSegment(lastId);
                }
                try (EventStreamClient client = EventStreamClient.open(base, path, headers)) {
                    assertEquals(200, client.status(), client.head());
                    connections++;
                    if (producer == null) {
                        producer = CompletableFuture.runAsync(produce);
                    }
                    for (int i = 0; i < perConnection && received.get() < total; i++) {
                        Event event = client.next(WAIT);
                        assertNotNull(event, "the stream ended after " + received.get());
                        assertEquals("message", event.type(), "no gap within the history: " + event);
                        assertEquals(Integer.toString(received.get()), event.data(), "nothing missed or doubled");
                        assertNotEquals(lastId, event.id());
                        lastId = event.id();
                        received.incrementAndGet();
                    }
                }
            }
            producer.get(60, TimeUnit.SECONDS);
        } finally {
            if (producer != null) {
                producer.cancel(true);
            }
        }
        assertEquals(total, received.get());
        assertTrue(connections >= 8, "resumed several times: " + connections + " connections");
    }

    @Test
    void idOfAnotherServerGetsAGapBeforeTheLiveStream() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_unknown");
        try (EventStreamClient client = stream(channel, "Last-Event-ID: another-server.12345")) {
            assertEquals(200, client.status(), client.head());
            db.notify(channel, "live");
            Event gap = client.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            JsonObject json = json(gap.data());
            assertEquals("gap", json.getString("type"));
            assertEquals(channel, json.getString("channel"));
            assertEquals("unknown", json.getString("reason"));
            assertEquals("another-server.12345", json.getString("lastEventId"));
            assertEquals("live", client.next(WAIT).data());
        }
    }

    @Test
    void multiChannelStreamCarriesEnvelopesInDeliveryOrder() throws Exception {
        String a = TestDatabase.uniqueChannel("it_sse_multi_a");
        String b = TestDatabase.uniqueChannel("it_sse_multi_b");
        Random random = new Random(14);
        List<String[]> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(new String[] {random.nextBoolean() ? a : b, "n" + i + (i % 50 == 0 ? "\r\nwith CR LF" : "")});
        }
        try (EventStreamClient client = EventStreamClient.open(base, "/listen?channel=" + a + "&channel=" + b)) {
            assertEquals(200, client.status(), client.head());
            db.execute("BEGIN");
            for (String[] notification : sent) {
                db.notify(notification[0], notification[1]);
            }
            db.execute("COMMIT");
            List<Event> events = client.take(sent.size(), WAIT);
            assertEquals(sent.size(), events.size());
            for (int i = 0; i < sent.size(); i++) {
                JsonObject json = json(events.get(i).data());
                assertEquals("notification", json.getString("type"));
                assertEquals(sent.get(i)[0], json.getString("channel"), "in delivery order across channels");
                assertEquals(sent.get(i)[1], json.getString("payload"), "the envelope carries the payload exactly");
                assertEquals(events.get(i).id(), json.getString("id"));
            }
        }
    }

    @Test
    void refusalsAreCompleteAnswersNeverA500() throws Exception {
        assertRefused(stream("forbidden"), 403, "requested channel 'forbidden' is not allowed");
        assertRefused(EventStreamClient.open(base, "/listen?channel=it_sse_ok&channel=forbidden"), 403,
                "requested channel 'forbidden' is not allowed");
        assertRefused(stream("it" + "x".repeat(62)), 400, "63");
        assertRefused(EventStreamClient.open(base, "/listen"), 400, "channel=");
        assertRefused(stream("it_sse_bad_id", "Last-Event-ID: " + "garbage ".repeat(1280)), 400, null);
        assertRefused(EventStreamClient.open(base, "/listen/it_sse_bad_id?lastEventId=two%20words"), 400, "lastEventId");
    }

    private static void assertRefused(EventStreamClient client, int status, String mentions) {
        try (client) {
            assertEquals(status, client.status(), client.head() + "\n" + client.refusal());
            if (mentions != null) {
                assertTrue(client.refusal().contains(mentions), client.refusal());
            }
        }
    }

    /** Neither an upgrade nor an event stream: the front door says both ways to connect. */
    @Test
    void plainGetIs426NamingBothWaysToConnect() throws Exception {
        for (String path : new String[] {"/listen/it_sse_plain", "/listen?channel=it_sse_plain"}) {
            RawHttp.Response response = RawHttp.getKeepAlive(base, path);
            assertEquals(426, response.status(), response.head());
            assertTrue(response.ended(), "the 426 ends");
            assertTrue(response.body().contains("WebSocket"), response.body());
            assertTrue(response.body().contains("text/event-stream"), response.body());
        }
    }

    @Test
    void headGetsTheStreamsHeadersAndNoStream() throws Exception {
        HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + base.getPort() + "/listen/it_sse_head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", "text/event-stream")
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), head.toString());
    }

    /** What a load balancer learns where to send a client resuming with a plain id (docs/cluster.md). */
    @Test
    void streamsAndHandshakesNameTheRunThatTheirPlainIdsBeginWith() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_run");
        try (EventStreamClient client = stream(channel)) {
            String run = client.header("Event-Id-Run");
            assertTrue(run != null && run.matches("[0-9a-z]{12}"), client.head());
            assertEquals(run, RawHttp.upgrade(base, "/listen/" + channel).header("Event-Id-Run"));
            db.notify(channel, "hello");
            Event event = client.next(WAIT);
            assertTrue(event.id().startsWith(run + "."), event.id());
        }
    }

    /** The servlet on /listen and /listen/* leaves upgrades to the WebSocket endpoints. */
    @Test
    void webSocketUpgradesOnTheSamePathsStillReachTheirEndpoints() throws Exception {
        assertEquals(101, RawHttp.upgrade(base, "/listen/it_sse_ws").status());
        assertEquals(101, RawHttp.upgrade(base, "/listen", "Sec-WebSocket-Protocol: pg_eventserv.envelope.v1").status());
    }

    @Test
    void stalledStreamGetsAnErrorEventThenItsEndWhileTheHealthyOneGetsEverything() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sse_slow");
        String pad = "x".repeat(1000);
        int batch = 250;
        double slowBefore = Scrape.metric(base, "pg_eventserv_sessions_closed_slow");
        try (EventStreamClient healthy = stream(channel);
             EventStreamClient stalled = EventStreamClient.open(base, "/listen/" + channel, 4096);
             PreparedStatement send = db.connection().prepareStatement(
                     "SELECT count(pg_notify(?, i || ' ' || ?)) FROM generate_series(?, ?) i")) {
            int sent = 0;
            while (Scrape.metric(base, "pg_eventserv_sessions_closed_slow") == slowBefore) {
                assertTrue(sent < 20_000, "the stalled stream was not closed after " + sent);
                send.setString(1, channel);
                send.setString(2, pad);
                send.setInt(3, sent);
                send.setInt(4, sent + batch - 1);
                send.execute();
                List<Event> got = healthy.take(batch, WAIT);
                assertEquals(batch, got.size(), "the healthy stream receives every notification");
                for (int i = 0; i < batch; i++) {
                    assertTrue(got.get(i).data().startsWith((sent + i) + " "), "in order");
                }
                sent += batch;
            }
            int read = 0;
            Event event;
            while ((event = stalled.next(WAIT)) != null && event.type().equals("message")) {
                assertTrue(event.data().startsWith(read + " "), "what it got before the end is in order");
                read++;
            }
            assertTrue(read < sent, "the stalled stream did not get everything: " + read + " of " + sent);
            assertNotNull(event, "an error event, then the end");
            assertEquals("error", event.type());
            JsonObject error = json(event.data());
            assertEquals("error", error.getString("type"));
            assertTrue(error.getString("reason").startsWith("too slow: more than 2000 messages"), error.toString());
            assertNull(stalled.next(WAIT), "the stream ends after the error");
            assertTrue(stalled.ended(), "ended as HTTP says, not cut off");
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
