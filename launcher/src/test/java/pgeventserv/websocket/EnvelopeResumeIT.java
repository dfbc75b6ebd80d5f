package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import pgeventserv.Deployments;
import pgeventserv.RawHttp;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/** Envelope clients resume with {@code ?lastEventId=}: nothing missed or doubled, gaps only when true. */
@ExtendWith(ArquillianExtension.class)
class EnvelopeResumeIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROTOCOL = "pg_eventserv.envelope.v1";

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

    private WebSocketClient connect(String channel, String lastEventId) throws Exception {
        URI uri = Deployments.listenUri(base, channel);
        if (lastEventId != null) {
            uri = URI.create(uri + "?lastEventId=" + URLEncoder.encode(lastEventId, StandardCharsets.UTF_8));
        }
        return WebSocketClient.connect(uri, PROTOCOL);
    }

    private static JsonObject json(String message) {
        return Json.createReader(new StringReader(message)).readObject();
    }

    /** n notifications in one statement: {@code prefix1 .. prefixN}. */
    private static void burst(Connection c, String channel, String prefix, int from, int to) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(pg_notify(?, ? || i)) FROM generate_series(?, ?) i")) {
            s.setString(1, channel);
            s.setString(2, prefix);
            s.setInt(3, from);
            s.setInt(4, to);
            s.execute();
        }
    }

    @Test
    void resumingWhileNotificationsKeepComingMissesAndDoublesNothing() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_resume");
        int total = 20_000;
        int perStatement = 50;
        AtomicBoolean failed = new AtomicBoolean();
        // The publisher stays within the history of the reader, as a live stream with short blinks does.
        java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        List<Integer> received = new ArrayList<>();
        String lastId = null;
        WebSocketClient client = connect(channel, null);
        try {
            Future<?> publishing = publisher.submit(() -> {
                try (Connection c = TestDatabase.connect()) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                    for (int i = 0; i < total && System.nanoTime() < until; ) {
                        if (i - read.get() > 500) {
                            Thread.sleep(1);
                            continue;
                        }
                        burst(c, channel, "", i, i + perStatement - 1);
                        i += perStatement;
                    }
                } catch (Exception e) {
                    failed.set(true);
                    throw new IllegalStateException(e);
                }
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            int reconnects = 0;
            while (received.size() < total && System.nanoTime() < deadline && !failed.get()) {
                String message = client.next(WAIT);
                assertNotNull(message, "a notification within " + WAIT + " after " + received.size());
                JsonObject envelope = json(message);
                assertEquals("notification", envelope.getString("type"), message);
                received.add(Integer.parseInt(envelope.getString("payload")));
                read.set(received.size());
                lastId = envelope.getString("id");
                // Drop the connection now and then, mid-stream, and come back with the last id seen.
                if (received.size() % 3_000 == 0) {
                    client.close();
                    client = connect(channel, lastId);
                    reconnects++;
                }
            }
            publishing.get(60, TimeUnit.SECONDS);
            assertTrue(reconnects >= 5, "reconnected " + reconnects + " times");
        } finally {
            client.close();
            publisher.shutdownNow();
        }
        assertEquals(total, received.size());
        for (int i = 0; i < total; i++) {
            assertEquals(i, received.get(i), "in order, nothing missed or doubled");
        }
    }

    @Test
    void anUnknownIdGetsAGapBeforeTheLiveStream() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_unknown");
        try (WebSocketClient client = connect(channel, "another-server.42")) {
            JsonObject gap = json(client.next(WAIT));
            assertEquals("gap", gap.getString("type"));
            assertEquals("unknown", gap.getString("reason"));
            assertEquals(channel, gap.getString("channel"));
            assertEquals("another-server.42", gap.getString("lastEventId"));
            db.notify(channel, "live");
            assertEquals("live", json(client.next(WAIT)).getString("payload"));
        }
    }

    @Test
    void anIdOlderThanTheHistoryGetsAGapThenEverythingHeld() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_old");
        String firstId;
        try (WebSocketClient client = connect(channel, null)) {
            burst(db.connection(), channel, "n", 1, 1_200);
            List<String> all = client.take(1_200, WAIT);
            assertEquals(1_200, all.size());
            firstId = json(all.get(0)).getString("id");
        }
        try (WebSocketClient back = connect(channel, firstId)) {
            JsonObject gap = json(back.next(WAIT));
            assertEquals("history", gap.getString("reason"), gap.toString());
            List<String> replay = back.take(1_000, WAIT);
            assertEquals("n201", json(replay.get(0)).getString("payload"), "the last 1000 (HistoryMessages)");
            assertEquals("n1200", json(replay.get(999)).getString("payload"));
        }
    }

    @Test
    void aResumeWithinHistoryHasNoGap() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_within");
        String secondId;
        try (WebSocketClient client = connect(channel, null)) {
            burst(db.connection(), channel, "n", 1, 3);
            List<String> three = client.take(3, WAIT);
            secondId = json(three.get(1)).getString("id");
        }
        db.notify(channel, "while away");
        try (WebSocketClient back = connect(channel, secondId)) {
            assertEquals("n3", json(back.next(WAIT)).getString("payload"));
            assertEquals("while away", json(back.next(WAIT)).getString("payload"));
            db.notify(channel, "live");
            assertEquals("live", json(back.next(WAIT)).getString("payload"));
        }
    }

    @Test
    void rawClientsGetNoIdsAndNoReplay() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_rawresume");
        String id;
        try (WebSocketClient client = connect(channel, null)) {
            db.notify(channel, "one");
            id = json(client.next(WAIT)).getString("id");
        }
        URI uri = URI.create(Deployments.listenUri(base, channel) + "?lastEventId=" + id);
        try (WebSocketClient witness = connect(channel, null)) {
            db.notify(channel, "two");
            // Once a client has it, the relay has released "two": a raw client opened now could only replay it.
            assertEquals("two", json(witness.next(WAIT)).getString("payload"));
            try (WebSocketClient raw = WebSocketClient.connect(uri)) {
                db.notify(channel, "three");
                assertEquals("three", raw.next(WAIT), "the payload itself, live only, as the original");
            }
        }
    }

    @Test
    void tenKilobytesOfGarbageAsLastEventIdIsA400NeverA500() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_garbage");
        RawHttp.Response huge = RawHttp.upgrade(base, "/listen/" + channel + "?lastEventId=" + "x".repeat(10_240),
                "Sec-WebSocket-Protocol: " + PROTOCOL);
        assertEquals(400, huge.status(), huge.toString());
        RawHttp.Response malformed = RawHttp.upgrade(base, "/listen/" + channel + "?lastEventId=" + "x".repeat(65),
                "Sec-WebSocket-Protocol: " + PROTOCOL);
        assertEquals(400, malformed.status(), malformed.toString());
        assertTrue(malformed.body().contains("lastEventId is not an event id"), malformed.body());
    }
}
