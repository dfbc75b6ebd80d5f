package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/** One envelope WebSocket on {@code /listen}, many channels by command (DESIGN §9). */
@ExtendWith(ArquillianExtension.class)
class MultiplexedSessionIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(500);
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

    private WebSocketClient session() throws Exception {
        return WebSocketClient.connect(URI.create("ws://127.0.0.1:" + base.getPort() + "/listen"), PROTOCOL);
    }

    private static JsonObject json(String message) {
        return Json.createReader(new StringReader(message)).readObject();
    }

    private static JsonObject next(WebSocketClient client) throws InterruptedException {
        String message = client.next(WAIT);
        assertTrue(message != null, "a message within " + WAIT);
        return json(message);
    }

    private static void send(WebSocketClient client, String command) {
        client.socket().sendText(command, true).join();
    }

    private static void subscribe(WebSocketClient client, String channel) throws InterruptedException {
        send(client, "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        JsonObject reply = next(client);
        assertEquals("subscribed", reply.getString("type"), reply.toString());
        assertEquals(channel, reply.getString("channel"));
    }

    @Test
    void aNotifyCommittedAfterSubscribedIsDelivered() throws Exception {
        try (WebSocketClient client = session()) {
            for (int i = 0; i < 20; i++) {
                String channel = TestDatabase.uniqueChannel("it_mux_open");
                subscribe(client, channel);
                db.notify(channel, "right after " + i);
                JsonObject n = next(client);
                assertEquals("notification", n.getString("type"));
                assertEquals(channel, n.getString("channel"));
                assertEquals("right after " + i, n.getString("payload"));
            }
        }
    }

    @Test
    void eachChannelKeepsItsOrderOnOneConnection() throws Exception {
        String a = TestDatabase.uniqueChannel("it_mux_a");
        String b = TestDatabase.uniqueChannel("it_mux_b");
        try (WebSocketClient client = session()) {
            subscribe(client, a);
            subscribe(client, b);
            try (PreparedStatement s = db.connection().prepareStatement(
                    "SELECT count(pg_notify(CASE WHEN i % 3 = 0 THEN ? ELSE ? END, i::text)) FROM generate_series(1, 600) i")) {
                s.setString(1, a);
                s.setString(2, b);
                s.execute();
            }
            List<Integer> onA = new ArrayList<>();
            List<Integer> onB = new ArrayList<>();
            List<Integer> all = new ArrayList<>();
            for (String m : client.take(600, WAIT)) {
                JsonObject n = json(m);
                int i = Integer.parseInt(n.getString("payload"));
                all.add(i);
                (n.getString("channel").equals(a) ? onA : onB).add(i);
            }
            assertEquals(200, onA.size());
            assertEquals(400, onB.size());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i) > all.get(i - 1), "in commit order across channels");
            }
        }
    }

    @Test
    void unsubscribedComesAfterTheChannelsLastEventAndNothingFollows() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_mux_un");
        try (WebSocketClient client = session()) {
            subscribe(client, channel);
            db.notify(channel, "before");
            assertEquals("before", next(client).getString("payload"));
            send(client, "{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
            JsonObject reply = next(client);
            assertEquals("unsubscribed", reply.getString("type"));
            db.notify(channel, "after");
            assertNull(client.next(QUIET));
        }
    }

    @Test
    void refusalsNameTheChannelAndTheStatusAndTheSessionGoesOn() throws Exception {
        try (WebSocketClient client = session()) {
            send(client, "{\"type\":\"subscribe\",\"channel\":\"not_allowed\"}");
            JsonObject forbidden = next(client);
            assertEquals("refused", forbidden.getString("type"));
            assertEquals(403, forbidden.getInt("status"));
            assertEquals("not_allowed", forbidden.getString("channel"));

            send(client, "{\"type\":\"subscribe\",\"channel\":\"it_" + "x".repeat(70) + "\"}");
            JsonObject tooLong = next(client);
            assertEquals(400, tooLong.getInt("status"), tooLong.toString());

            send(client, "{\"type\":\"subscribe\",\"channel\":\"\"}");
            assertEquals(400, next(client).getInt("status"));

            send(client, "not json");
            assertEquals("error", next(client).getString("type"));
            send(client, "{\"type\":\"dance\"}");
            JsonObject unknown = next(client);
            assertEquals("error", unknown.getString("type"));
            assertTrue(unknown.getString("reason").contains("dance"), unknown.toString());
            send(client, "{\"type\":\"unsubscribe\",\"channel\":\"it_never\"}");
            assertEquals("error", next(client).getString("type"));

            String channel = TestDatabase.uniqueChannel("it_mux_after");
            subscribe(client, channel);
            db.notify(channel, "still open");
            assertEquals("still open", next(client).getString("payload"));
        }
    }

    @Test
    void aSessionMaySubscribeToAtMostMaxChannelsPerSession() throws Exception {
        try (WebSocketClient client = session()) {
            String prefix = TestDatabase.uniqueChannel("it_max");
            for (int i = 0; i < 100; i++) {
                send(client, "{\"type\":\"subscribe\",\"channel\":\"" + prefix + "_" + i + "\"}");
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("subscribed", next(client).getString("type"));
            }
            send(client, "{\"type\":\"subscribe\",\"channel\":\"" + prefix + "_100\"}");
            JsonObject refused = next(client);
            assertEquals("refused", refused.getString("type"));
            assertTrue(refused.getString("reason").contains("100"), refused.toString());
        }
    }

    @Test
    void aSubscribeWithLastEventIdResumes() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_mux_resume");
        String firstId;
        try (WebSocketClient client = session()) {
            subscribe(client, channel);
            db.notify(channel, "one");
            firstId = next(client).getString("id");
        }
        db.notify(channel, "two");
        try (WebSocketClient client = session()) {
            send(client, "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"lastEventId\":\"" + firstId + "\"}");
            assertEquals("subscribed", next(client).getString("type"));
            assertEquals("two", next(client).getString("payload"), "what it missed, without a gap");
        }
    }

    @Test
    void aRawUpgradeOnListenIsRefusedWithAnExplanation() throws Exception {
        RawHttp.Response response = RawHttp.upgrade(base, "/listen");
        assertEquals(400, response.status(), response.toString());
        assertTrue(response.body().contains(PROTOCOL), response.body());
    }
}
