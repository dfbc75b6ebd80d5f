package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pgeventserv.DurableDatabase;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;

/**
 * A restart never makes a browser give up: a real {@code EventSource} (the npm {@code eventsource} package, which
 * follows the WHATWG rules as browsers do: it retries while the port refuses connections, and closes for good on
 * any answer but {@code 200 text/event-stream}) listens across a stop and a start of the jar on the same port. It
 * must never close, and once back it gets, by its own {@code Last-Event-ID}, every durable event published while the
 * server was down, in order, and a gap for the plain one. The client is {@code launcher/src/test/node}, installed
 * by {@code scripts/test} ({@code npm ci}).
 */
class RestartEventSourceIT {

    private static final Path CLIENT = Path.of("launcher/src/test/node/eventsource-client.mjs");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The second boot, with the client retrying every 2 s all along. */
    private static final Duration BACK = Duration.ofSeconds(180);
    private static final String CHANNEL = "it_restart";

    /** What the client printed, one JSON object per line, read on a thread of its own. */
    private static final class Client implements AutoCloseable {
        final Process process;
        final List<JsonObject> seen = new ArrayList<>();

        Client(String url) throws Exception {
            process = new ProcessBuilder("node", CLIENT.toString(), url).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        JsonObject json = line.startsWith("{")
                                ? Json.createReader(new StringReader(line)).readObject()
                                : Json.createObjectBuilder().add("kind", "output").add("data", line).build();
                        synchronized (seen) {
                            seen.add(json);
                        }
                    }
                } catch (Exception e) {
                    // The client was killed.
                }
            }, "eventsource-client");
            reader.setDaemon(true);
            reader.start();
        }

        List<JsonObject> seen() {
            synchronized (seen) {
                return List.copyOf(seen);
            }
        }

        List<String> data() {
            return seen().stream()
                    .filter(j -> "event".equals(j.getString("kind")) && "message".equals(j.getString("type")))
                    .map(j -> j.getString("data")).toList();
        }

        long count(String kind) {
            return seen().stream().filter(j -> kind.equals(j.getString("kind"))).count();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEventSourceRetriesAcrossARestartOnTheSamePortAndResumesByItsLastEventId() throws Exception {
        assertTrue(Files.exists(Path.of("launcher/src/test/node/node_modules/eventsource")),
                "the client's package is installed: npm ci --prefix launcher/src/test/node (scripts/test does it)");
        int port = LaunchedServer.freePort();
        try (DurableDatabase db = DurableDatabase.start()) {
            db.installFresh();
            Map<String, String> settings = Map.of("DATABASE_URL", db.url(), "ES_HTTPHOST", "127.0.0.1",
                    "ES_HTTPPORT", Integer.toString(port), "ES_CHANNELS", "it*");
            String viewer = "http://127.0.0.1:" + port + "/";
            try (Connection publisher = db.connect();
                 Client client = start(settings, viewer, db, publisher, port)) {
                try (LaunchedServer second = LaunchedServer.start("restart-eventsource-second", settings, viewer)) {
                    Eventually.within(BACK, "the client is back and has what was published while the server was down",
                            () -> client.data().size() >= 3);
                    assertEquals(List.of("before the stop", "while down 1", "while down 2"), client.data(),
                            "every durable event, in order, each once");
                    assertTrue(client.seen().stream().anyMatch(j -> "gap".equals(j.getString("type", ""))),
                            "the plain notification sent while down is a gap: " + client.seen());
                    DurableDatabase.publish(publisher, CHANNEL, "after the restart");
                    Eventually.within(WAIT, "live again", () -> client.data().contains("after the restart"));
                    second.stop();
                }
                assertTrue(client.seen().stream().noneMatch(j -> "error".equals(j.getString("kind"))
                                && j.getInt("readyState", 0) == 2),
                        "the EventSource never closed for good: " + client.seen());
                assertTrue(client.count("open") >= 2, "it opened again after the restart: " + client.seen());
            }
        }
    }

    /** The first server, the client on it, one durable event, the stop, and what is published while it is down. */
    private static Client start(Map<String, String> settings, String viewer, DurableDatabase db, Connection publisher,
            int port) throws Exception {
        Client client = null;
        try (LaunchedServer first = LaunchedServer.start("restart-eventsource-first", settings, viewer)) {
            client = new Client("http://127.0.0.1:" + port + "/listen/" + CHANNEL);
            Client c = client;
            Eventually.within(WAIT, "the client is open", () -> c.count("open") == 1);
            DurableDatabase.publish(publisher, CHANNEL, "before the stop");
            Eventually.within(WAIT, "the first event", () -> c.data().equals(List.of("before the stop")));
            first.stop();
            DurableDatabase.publish(publisher, CHANNEL, "while down 1");
            db.execute("NOTIFY " + CHANNEL + ", 'plain while down'");
            DurableDatabase.publish(publisher, CHANNEL, "while down 2");
            return client;
        } catch (Exception | Error e) {
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }
}
