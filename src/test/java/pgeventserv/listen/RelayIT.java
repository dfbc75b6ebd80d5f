package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The original README's walkthrough, in a schema of its own and on a channel of its own. */
    @Test
    void seedWalkthroughRelaysTriggerEventsAsJson() throws Exception {
        String schema = TestDatabase.uniqueChannel("it_seed").toLowerCase();
        String channel = schema;
        try (WebSocketClient client = listen(channel)) {
            db.execute("CREATE SCHEMA " + schema);
            db.execute("SET search_path TO " + schema);
            db.execute("""
                    CREATE TABLE people (
                        pk serial primary key,
                        ts timestamptz DEFAULT now(),
                        name text,
                        age integer,
                        height real
                    )""");
            db.execute("""
                    CREATE OR REPLACE FUNCTION data_change() RETURNS trigger AS
                    $$
                    DECLARE
                        js jsonb;
                    BEGIN
                        SELECT to_jsonb(NEW.*) INTO js;
                        js := jsonb_set(js, '{dml_action}', to_jsonb(TG_OP));
                        PERFORM (
                            SELECT pg_notify('%s', js::text)
                        );
                        RETURN NEW;
                    END;
                    $$ LANGUAGE 'plpgsql'""".formatted(channel));
            db.execute("DROP TRIGGER IF EXISTS data_change_trigger ON people");
            db.execute("""
                    CREATE TRIGGER data_change_trigger
                        BEFORE INSERT OR UPDATE ON people
                        FOR EACH ROW
                        EXECUTE FUNCTION data_change()""");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Paul', 51, 1.9)");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Colin', 65, 1.5)");

            List<String> inserts = client.take(2, WAIT);
            assertEquals(2, inserts.size(), "both inserts arrive");
            assertEquals("Paul", json(inserts.get(0)).getString("name"));
            assertEquals("INSERT", json(inserts.get(0)).getString("dml_action"));
            assertEquals("Colin", json(inserts.get(1)).getString("name"));
            assertEquals("INSERT", json(inserts.get(1)).getString("dml_action"));

            db.execute("""
                    CREATE OR REPLACE FUNCTION data_change() RETURNS trigger AS
                    $$
                    DECLARE
                        js jsonb;
                    BEGIN
                        IF NEW.height >= 2.0
                        THEN
                            SELECT to_jsonb(NEW.*) INTO js;
                            PERFORM (
                                SELECT pg_notify('%s', js::text)
                            );
                        END IF;
                        RETURN NEW;
                    END;
                    $$ LANGUAGE 'plpgsql'""".formatted(channel));
            db.execute("UPDATE people SET name = 'Shorty', height = 1.5 WHERE age = 51");
            db.execute("UPDATE people SET name = 'Bozo', height = 2.1 WHERE age = 51");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Stretch', 33, 2.8)");

            List<String> tall = client.take(2, WAIT);
            assertEquals(2, tall.size(), "Bozo and Stretch pass the filter");
            assertEquals("Bozo", json(tall.get(0)).getString("name"));
            assertEquals("Stretch", json(tall.get(1)).getString("name"));
            assertNull(client.next(QUIET), "Shorty does not pass the filter");
        } finally {
            db.execute("RESET search_path");
            db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
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
