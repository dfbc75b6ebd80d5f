package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
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
import pgeventserv.SeedWalkthrough;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/** NOTIFY in, WebSocket frames out: the relay end to end against real PostgreSQL and a real client. */
@ExtendWith(ArquillianExtension.class)
class RelayIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(750);

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

    private WebSocketClient listen(String channel) throws Exception {
        return WebSocketClient.connect(Deployments.listenUri(base, channel));
    }

    /** The original README's walkthrough, in a schema of its own and on a channel of its own. */
    @Test
    void seedWalkthroughRelaysTriggerEventsAsJson() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_seed").toLowerCase();
        try (WebSocketClient client = listen(channel)) {
            SeedWalkthrough.run(db, channel, client);
        }
    }

    @Test
    void notifyCommandAndPgNotifyFunctionAreBothRelayed() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_both");
        try (WebSocketClient client = listen(channel)) {
            db.execute("NOTIFY \"" + channel + "\", 'from NOTIFY'");
            db.notify(channel, "from pg_notify");
            assertEquals(List.of("from NOTIFY", "from pg_notify"), client.take(2, WAIT));
        }
    }

    @Test
    void channelNamesAreCaseSensitive() throws Exception {
        String channel = TestDatabase.uniqueChannel("itPeople");
        try (WebSocketClient client = listen(channel)) {
            // Unquoted, PostgreSQL folds the name to lower case: a different channel.
            db.execute("NOTIFY " + channel + ", 'folded'");
            db.execute("NOTIFY \"" + channel + "\", 'exact'");
            assertEquals("exact", client.next(WAIT));
            assertNull(client.next(QUIET));
        }
    }

    @Test
    void namesWithSpaceDotQuoteAndUnicodeWork() throws Exception {
        for (String prefix : List.of("it with space", "it.dot", "it\"quote'", "it ünï 日本 🎉")) {
            String channel = TestDatabase.uniqueChannel(prefix);
            try (WebSocketClient client = listen(channel)) {
                db.notify(channel, "hello " + prefix);
                assertEquals("hello " + prefix, client.next(WAIT), "channel " + channel);
            }
        }
    }

    @Test
    void twentyClientsEachReceiveTwoHundredMessagesInOrder() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_order");
        List<WebSocketClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(listen(channel));
            }
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add("message " + i);
                db.notify(channel, "message " + i);
            }
            for (WebSocketClient client : clients) {
                assertEquals(sent, client.take(200, WAIT));
            }
        } finally {
            clients.forEach(WebSocketClient::close);
        }
    }

    /** One poll's batch is encoded once per protocol: raw and envelope clients of one channel each get theirs. */
    @Test
    void rawAndEnvelopeClientsOfOneChannelEachGetEveryMessageInTheirFormInOrder() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_mixed");
        try (WebSocketClient raw = listen(channel);
             WebSocketClient enveloped = WebSocketClient.connect(Deployments.listenUri(base, channel), Envelope.PROTOCOL)) {
            List<String> sent = new ArrayList<>();
            try (PreparedStatement burst = db.connection().prepareStatement(
                    "SELECT count(pg_notify(?, 'burst ' || i)) FROM generate_series(1, 300) i")) {
                burst.setString(1, channel);
                burst.execute();
            }
            for (int i = 1; i <= 300; i++) {
                sent.add("burst " + i);
            }
            assertEquals(sent, raw.take(300, WAIT));
            List<jakarta.json.JsonObject> envelopes = enveloped.take(300, WAIT).stream()
                    .map(m -> jakarta.json.Json.createReader(new java.io.StringReader(m)).readObject()).toList();
            assertEquals(sent, envelopes.stream().map(e -> e.getString("payload")).toList());
            assertTrue(envelopes.stream().allMatch(e -> e.getString("type").equals("notification")
                    && e.getString("channel").equals(channel)));
            assertEquals(300, envelopes.stream().map(e -> e.getString("id")).distinct().count(), "an id each");
        }
    }

    @Test
    void clientOfOneChannelHearsNothingOfAnother() throws Exception {
        String a = TestDatabase.uniqueChannel("it_a");
        String b = TestDatabase.uniqueChannel("it_b");
        try (WebSocketClient onA = listen(a); WebSocketClient onB = listen(b)) {
            db.notify(b, "for b");
            db.notify(a, "for a");
            assertEquals("for a", onA.next(WAIT));
            assertEquals("for b", onB.next(WAIT));
            assertNull(onA.next(QUIET));
            assertNull(onB.next(Duration.ZERO));
        }
    }

    @Test
    void largestAndMultiBytePayloadsArriveByteIdentical() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_bytes");
        StringBuilder largest = new StringBuilder();
        for (int i = 0; largest.length() < 7999; i++) {
            largest.append((char) ('!' + i % 90));
        }
        String unicode = "ü日本🎉 \"quoted\" \\ tab\t newline\n ".repeat(40);
        try (WebSocketClient client = listen(channel)) {
            db.notify(channel, largest.toString());
            db.notify(channel, unicode);
            String first = client.next(WAIT);
            String second = client.next(WAIT);
            assertNotNull(first);
            assertNotNull(second);
            assertEquals(7999, first.getBytes(StandardCharsets.UTF_8).length);
            assertArrayEquals(largest.toString().getBytes(StandardCharsets.UTF_8), first.getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(unicode.getBytes(StandardCharsets.UTF_8), second.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Subscribed on open: a NOTIFY committed right after the socket opens is never lost. */
    @Test
    void notifyRightAfterOpenIsDeliveredOnTwoHundredFreshChannels() throws Exception {
        List<WebSocketClient> clients = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String channel = TestDatabase.uniqueChannel("it_fresh");
                clients.add(listen(channel));
                db.notify(channel, "first " + i);
                channels.add(channel);
            }
            int lost = 0;
            for (int i = 0; i < 200; i++) {
                if (!("first " + i).equals(clients.get(i).next(WAIT))) {
                    lost++;
                }
            }
            assertEquals(0, lost, "notifications lost right after open");
        } finally {
            clients.forEach(WebSocketClient::close);
        }
    }
}
