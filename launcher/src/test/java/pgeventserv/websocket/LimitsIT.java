package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pgeventserv.LaunchedServer;
import pgeventserv.EventStreamClient;
import pgeventserv.Eventually;
import pgeventserv.RawHttp;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * Admission, keep-alive and what clients may send, on a server of its own with small limits: three sessions at
 * most, four channels at most (without history, so a channel is UNLISTENed a second after its last client), three
 * channels per session, and a ping every second.
 */
class LimitsIT {

    private static final int MAX_SESSIONS = 3;
    private static final int MAX_CHANNELS = 4;
    private static final int MAX_CHANNELS_PER_SESSION = 3;
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);

    static LaunchedServer server;
    static TestDatabase db;

    @BeforeAll
    static void boot() throws Exception {
        server = LaunchedServer.onLoopback("limits", TestDatabase.URL,
                Map.of("Channels", "it*", "MaxSessions", Integer.toString(MAX_SESSIONS), "PingInterval", "1s",
                        "MaxChannels", Integer.toString(MAX_CHANNELS), "HistoryMessages", "0",
                        "MaxChannelsPerSession", Integer.toString(MAX_CHANNELS_PER_SESSION)));
        db = new TestDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Sessions and channels of the previous test are gone, so each test starts with every place free. */
    @BeforeEach
    void noSessionsOpen() throws Exception {
        Eventually.within(WAIT, "no session open",
                () -> Scrape.metric(server.base(), "pg_eventserv_sessions_open") == 0);
        Eventually.within(WAIT, "no channel listened",
                () -> Scrape.metric(server.base(), "pg_eventserv_channels_listened") == 0);
    }

    private static WebSocketClient session() throws Exception {
        return WebSocketClient.connect(java.net.URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen"),
                ENVELOPE);
    }

    private static JsonObject command(WebSocketClient session, String type, String channel) throws Exception {
        session.socket().sendText("{\"type\":\"" + type + "\",\"channel\":\"" + channel + "\"}", true).join();
        String reply = session.next(WAIT);
        assertTrue(reply != null, "a reply within " + WAIT);
        return Json.createReader(new StringReader(reply)).readObject();
    }

    @Test
    void aNewChannelBeyondMaxChannelsIsRefusedOnEveryTransportUntilOneIsReleased() throws Exception {
        List<WebSocketClient> closing = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        for (int i = 0; i <= MAX_CHANNELS; i++) {
            channels.add(TestDatabase.uniqueChannel("it_maxch" + i));
        }
        String beyond = channels.get(MAX_CHANNELS);
        try (WebSocketClient first = session();
             WebSocketClient raw = WebSocketClient.connect(server.listenUri(channels.get(MAX_CHANNELS - 1)))) {
            for (String channel : channels.subList(0, MAX_CHANNELS - 1)) {
                assertEquals("subscribed", command(first, "subscribe", channel).getString("type"));
            }
            RawHttp.Response upgrade = RawHttp.upgrade(server.base(), "/listen/" + beyond);
            assertEquals(503, upgrade.status(), upgrade.head());
            assertTrue(upgrade.body().contains("too many channels"), upgrade.body());
            assertTrue(upgrade.head().contains("Retry-After"), upgrade.head());
            try (EventStreamClient stream = EventStreamClient.open(server.base(), "/listen/" + beyond)) {
                assertEquals(503, stream.status(), stream.head());
            }
            WebSocketClient second = session();
            closing.add(second);
            JsonObject refused = command(second, "subscribe", beyond);
            assertEquals("refused", refused.getString("type"), refused.toString());
            assertEquals(503, refused.getInt("status"));
            assertEquals(MAX_SESSIONS, Scrape.metric(server.base(), "pg_eventserv_sessions_open"),
                    "the refused handshakes hold no place");

            assertEquals("unsubscribed", command(first, "unsubscribe", channels.get(0)).getString("type"));
            Eventually.within(WAIT, "the released channel is UNLISTENed",
                    () -> Scrape.metric(server.base(), "pg_eventserv_channels_listened") == MAX_CHANNELS - 1);
            assertEquals("subscribed", command(second, "subscribe", beyond).getString("type"));
            db.notify(beyond, "admitted");
            JsonObject n = Json.createReader(new StringReader(second.next(WAIT))).readObject();
            assertEquals("admitted", n.getString("payload"));
        } finally {
            closing.forEach(WebSocketClient::close);
        }
    }

    @Test
    void anEventStreamNamingMoreChannelsThanASessionMayHaveIs400() throws Exception {
        StringBuilder path = new StringBuilder("/listen?");
        for (int i = 0; i <= MAX_CHANNELS_PER_SESSION; i++) {
            path.append(i == 0 ? "" : "&").append("channel=it_many").append(i);
        }
        try (EventStreamClient stream = EventStreamClient.open(server.base(), path.toString())) {
            assertEquals(400, stream.status(), stream.head());
        }
    }

    @Test
    void aSessionTakesItsChannelsAtOnceThenNewOnesOnlyAtTheCommandBudgetsPace() throws Exception {
        try (WebSocketClient session = session()) {
            for (int i = 0; i < MAX_CHANNELS_PER_SESSION; i++) {
                String channel = TestDatabase.uniqueChannel("it_pace" + i);
                assertEquals("subscribed", command(session, "subscribe", channel).getString("type"));
                assertEquals("unsubscribed", command(session, "unsubscribe", channel).getString("type"));
            }
            JsonObject refused = command(session, "subscribe", TestDatabase.uniqueChannel("it_pace_more"));
            assertEquals("refused", refused.getString("type"), refused.toString());
            assertEquals(429, refused.getInt("status"));
            assertFalse(session.isClosed(), "the session stays");
        }
    }

    @Test
    void upgradesBeyondMaxSessionsGet503UntilOneCloses() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_cap");
        List<WebSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SESSIONS; i++) {
                clients.add(WebSocketClient.connect(server.listenUri(channel)));
            }
            RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/" + channel);
            assertEquals(503, refused.status(), refused.head());
            HttpSurfaceIT.assertRefusal(refused, 503, "Service Unavailable");
            assertTrue(refused.body().contains("too many sessions"), refused.body());

            clients.remove(0).close();
            Eventually.within(WAIT, "the closed session frees its place",
                    () -> Scrape.metric(server.base(), "pg_eventserv_sessions_open") == MAX_SESSIONS - 1);
            clients.add(WebSocketClient.connect(server.listenUri(channel)));
            db.notify(channel, "admitted");
            assertEquals("admitted", clients.get(MAX_SESSIONS - 1).next(WAIT));
        } finally {
            clients.forEach(WebSocketClient::close);
        }
    }

    @Test
    void clientMessageOverTheCapIsClosedWith1009() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(TestDatabase.uniqueChannel("it_big")))) {
            client.socket().sendText("x".repeat(ListenEndpoint.MAX_CLIENT_MESSAGE_BYTES + 1), true).join();
            assertEquals(1009, client.awaitClose(WAIT).code());
        }
    }

    @Test
    void aFewClientMessagesAreIgnored() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_chatty");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel))) {
            for (int i = 0; i < 3; i++) {
                client.socket().sendText("keep-alive", true).join();
            }
            db.notify(channel, "still here");
            assertEquals("still here", client.next(WAIT));
            assertFalse(client.isClosed());
        }
    }

    /** One message more than the burst allows, then silence: a client still writing would reset the connection. */
    @Test
    void moreClientMessagesThanTheBurstCloseWith1008() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(TestDatabase.uniqueChannel("it_chatty")))) {
            for (int i = 0; i <= ClientMessageBudget.BURST; i++) {
                client.socket().sendText("chatter " + i, true).join();
            }
            assertEquals(1008, client.awaitClose(WAIT).code());
        }
    }

    @Test
    void peerThatNeverAnswersPingsIsClosedWhileLiveClientsStay() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_ping");
        try (WebSocketClient live = WebSocketClient.connect(server.listenUri(channel));
             Socket dead = new Socket("127.0.0.1", server.base().getPort())) {
            dead.setSoTimeout((int) WAIT.toMillis());
            upgrade(dead, "/listen/" + channel);

            List<Integer> opcodes = new ArrayList<>();
            int closeCode = readUntilClose(new DataInputStream(dead.getInputStream()), opcodes);
            assertTrue(opcodes.contains(0x9), "the server pinged: " + opcodes);
            assertEquals(1008, closeCode, "closed for leaving the ping unanswered");

            // The same tick pings the live client a second time, before or after it closes the dead one.
            Eventually.within(WAIT, "the live client was pinged twice too", () -> live.pings() >= 2);
            assertFalse(live.isClosed(), "a client that answers pings stays");
            db.notify(channel, "alive");
            assertEquals("alive", live.next(WAIT));
        }
    }

    private static void upgrade(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(RawHttp.upgradeRequest(socket.getPort(), path).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        var in = socket.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101"), head.toString());
    }

    /** Reads server frames (unmasked) and their opcodes up to the close frame; returns its status code. */
    private static int readUntilClose(DataInputStream in, List<Integer> opcodes) throws IOException {
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            long length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            opcodes.add(opcode);
            if (opcode == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }
}
