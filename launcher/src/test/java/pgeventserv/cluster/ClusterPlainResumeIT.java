package pgeventserv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import pgeventserv.DurableDatabase;
import pgeventserv.EventStreamClient;
import pgeventserv.Eventually;
import pgeventserv.WebSocketClient;

/**
 * Issue 25's resume behind the cluster: three instances behind HAProxy (scripts/cluster) on a private cluster with
 * the durable schema, 50 event streams and 50 envelope WebSocket clients on one channel. They drop, 50 plain
 * notifications are sent, they come back through HAProxy with their last ids and each lands on the instance that
 * issued its id and misses nothing. Then one instance is SIGKILLed, everyone drops, plain and durable events are
 * sent, everyone comes back: the clients of the living instances miss nothing again; only the killed instance's
 * clients get a gap, for plain events, and every durable event all the same.
 */
class ClusterPlainResumeIT {

    private static final ClusterScript CLUSTER = ClusterScript.perRun("cluster-plain-resume-it");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FRONT = CLUSTER.front;
    private static final int CLIENTS_EACH = 50;
    private static final int PLAIN_MISSED = 50;
    private static final int MIXED_MISSED = 10;
    private static final int CONNECTING_AT_ONCE = 20;
    private static final String CHANNEL = "it_cluster_plain_resume";
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final String RUN_HEADER = "Event-Id-Run";

    @AfterAll
    static void stopAll() throws Exception {
        CLUSTER.stopWithDatabase();
    }

    /** A notification (id and payload) or a gap (its reason) as a client read it. */
    private record Received(String id, String payload, String gap) {
        boolean isGap() {
            return gap != null;
        }
    }

    /** One client through HAProxy: connects with its last id, reads notifications and gaps, keeps its last id. */
    private abstract static class Client {
        String lastId;

        /** Connects through HAProxy, resuming after the last id when it has one. */
        abstract void connect() throws Exception;

        /** The next notification or gap, or null when none came within the timeout or the connection ended. */
        abstract Received next(Duration timeout) throws Exception;

        /** Whether the connection was ended from the other side. */
        abstract boolean cutOff() throws Exception;

        abstract void close();

        /** The run of the instance whose plain id it holds last, or null (no id, or a durable one). */
        String run() {
            int dot = lastId == null ? -1 : lastId.indexOf('.');
            return dot < 0 ? null : lastId.substring(0, dot);
        }

        Received taken(Received r) {
            if (r != null && !r.isGap()) {
                lastId = r.id();
            }
            return r;
        }
    }

    /** An event stream that comes back as an {@code EventSource} does: with {@code Last-Event-ID}. */
    private static final class StreamClient extends Client {
        private final URL front;
        private EventStreamClient stream;

        StreamClient(URL front) {
            this.front = front;
        }

        @Override
        void connect() throws IOException {
            String[] headers = lastId == null ? new String[0] : new String[] {"Last-Event-ID: " + lastId};
            stream = EventStreamClient.open(front, "/listen/" + CHANNEL, headers);
            if (stream.status() != 200) {
                stream.close();
                throw new IOException("status " + stream.status() + ": " + stream.refusal());
            }
        }

        @Override
        Received next(Duration timeout) throws IOException {
            EventStreamClient.Event event;
            try {
                event = stream.next(timeout);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (event == null) {
                return null;
            }
            if (event.type().equals("gap")) {
                return new Received(null, null, reason(event.data()));
            }
            return taken(new Received(event.id(), event.data(), null));
        }

        @Override
        boolean cutOff() {
            try {
                return stream.next(Duration.ofMillis(50)) == null;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        void close() {
            stream.close();
        }
    }

    /** An envelope WebSocket client that comes back with {@code ?lastEventId=}. */
    private static final class EnvelopeClient extends Client {
        private WebSocketClient socket;

        @Override
        void connect() throws Exception {
            String query = lastId == null ? "" : "?lastEventId=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8);
            socket = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + FRONT + "/listen/" + CHANNEL + query), ENVELOPE);
        }

        @Override
        Received next(Duration timeout) throws InterruptedException {
            String message = socket.next(timeout);
            if (message == null) {
                return null;
            }
            JsonObject json = Json.createReader(new StringReader(message)).readObject();
            return switch (json.getString("type")) {
                case "notification" -> taken(new Received(json.getString("id"), json.getString("payload"), null));
                case "gap" -> new Received(null, null, json.getString("reason"));
                default -> throw new AssertionError("unexpected message " + message);
            };
        }

        @Override
        boolean cutOff() {
            return socket.isClosed();
        }

        @Override
        void close() {
            socket.close();
        }
    }

    @Test
    void clientsResumePlainEventsOnTheirInstanceAndOnlyAKilledInstancesClientsGetAGapForThem() throws Exception {
        DurableDatabase db = CLUSTER.startOnDurableDatabase(3);
        URL front = CLUSTER.front();

        // Which instance is which run: each names it on every stream it answers.
        Map<String, Integer> instanceOfRun = new HashMap<>();
        List<URL> instances = CLUSTER.instances();
        for (int i = 0; i < instances.size(); i++) {
            try (EventStreamClient probe = EventStreamClient.open(instances.get(i), "/listen/" + CHANNEL)) {
                assertEquals(200, probe.status());
                instanceOfRun.put(assertHeader(probe), i + 1);
            }
        }
        assertEquals(3, instanceOfRun.size(), "every instance has a run of its own: " + instanceOfRun);

        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS_EACH; i++) {
            clients.add(new StreamClient(front));
            clients.add(new EnvelopeClient());
        }
        connectAll(clients);
        try (Connection publisher = db.connect()) {
            notify(publisher, "p0");
            for (Client c : clients) {
                assertEquals(List.of("p0"), payloads(read(c, got(1), WAIT)), "the first notification");
            }
            Map<Client, String> runs = new HashMap<>();
            clients.forEach(c -> runs.put(c, c.run()));
            Set<Integer> used = new HashSet<>();
            runs.values().forEach(run -> used.add(instanceOfRun.get(run)));
            assertEquals(Set.of(1, 2, 3), used, "first connections spread over the three instances");

            // They drop; 50 plain notifications; they come back with their last ids and miss nothing.
            clients.forEach(Client::close);
            List<String> plain = IntStream.rangeClosed(1, PLAIN_MISSED).mapToObj(i -> "p" + i).toList();
            for (String payload : plain) {
                notify(publisher, payload);
            }
            connectAll(clients);
            for (Client c : clients) {
                List<Received> got = read(c, got(PLAIN_MISSED), WAIT);
                assertEquals(plain, payloads(got), c.getClass().getSimpleName() + " resumed on its instance: " + got);
                assertEquals(runs.get(c), c.run(), "back on the instance that issued its id");
            }

            // A durable event, then a plain one: every client's last id is plain and carries the durable watermark.
            DurableDatabase.publish(publisher, CHANNEL, "d0");
            for (Client c : clients) {
                assertEquals(List.of("d0"), payloads(read(c, got(1), WAIT)));
            }
            notify(publisher, "q0");
            for (Client c : clients) {
                assertEquals(List.of("q0"), payloads(read(c, got(1), WAIT)));
                runs.put(c, c.run());
            }

            // One instance dies: its clients are cut off. Everyone drops; plain and durable events; everyone comes back.
            assertTrue(CLUSTER.kill(1));
            Set<Client> orphans = new HashSet<>();
            for (Client c : clients) {
                if (instanceOfRun.get(runs.get(c)) == 1) {
                    orphans.add(c);
                }
            }
            assertTrue(!orphans.isEmpty() && orphans.size() < clients.size(), orphans.size() + " clients on the killed instance");
            for (Client c : orphans) {
                Eventually.within(WAIT, "the killed instance's client is cut off", c::cutOff);
            }
            clients.forEach(Client::close);
            List<String> plainMissed = new ArrayList<>();
            List<String> durableMissed = new ArrayList<>();
            for (int i = 1; i <= MIXED_MISSED; i++) {
                notify(publisher, "r" + i);
                plainMissed.add("r" + i);
                DurableDatabase.publish(publisher, CHANNEL, "e" + i);
                durableMissed.add("e" + i);
            }
            connectAll(clients);
            String lastDurable = durableMissed.get(durableMissed.size() - 1);
            for (Client c : clients) {
                String name = c.getClass().getSimpleName() + (orphans.contains(c) ? " of the killed instance" : "");
                // A living instance's client gets all of them; the killed instance's, at least the durable ones.
                Predicate<List<Received>> done = orphans.contains(c)
                        ? r -> r.stream().anyMatch(x -> lastDurable.equals(x.payload()))
                        : got(2 * MIXED_MISSED);
                List<Received> got = read(c, done, WAIT);
                List<String> payloads = payloads(got);
                assertEquals(durableMissed, payloads.stream().filter(p -> p.startsWith("e")).toList(),
                        name + ": every durable event once, in order: " + got);
                if (orphans.contains(c)) {
                    assertEquals(List.of("unknown"), got.stream().filter(Received::isGap).map(Received::gap).toList(),
                            name + ": one gap, for the plain events it may have missed: " + got);
                    assertTrue(got.get(0).isGap(), name + ": the gap first: " + got);
                } else {
                    assertEquals(plainMissed, payloads.stream().filter(p -> p.startsWith("r")).toList(),
                            name + ": every plain event, in order: " + got);
                    assertTrue(got.stream().noneMatch(Received::isGap), name + ": no gap: " + got);
                    assertEquals(2 * MIXED_MISSED, got.size(), name + ": nothing twice: " + got);
                }
            }
        } finally {
            clients.forEach(c -> {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    // Never connected, or closed already.
                }
            });
        }
    }

    private static String assertHeader(EventStreamClient stream) {
        String run = stream.header(RUN_HEADER);
        assertNotNull(run, RUN_HEADER + " in " + stream.head());
        return run;
    }

    /** Connects every client, a few at a time, as a crowd of clients coming back would. */
    private static void connectAll(List<Client> clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_AT_ONCE);
        try {
            List<Future<Void>> connected = new ArrayList<>();
            for (Client c : clients) {
                connected.add(pool.submit(() -> {
                    connect(c);
                    return null;
                }));
            }
            for (Future<Void> f : connected) {
                f.get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Connects through HAProxy, again while it still tries the killed instance (bounded). */
    private static void connect(Client c) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                c.connect();
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError("could not connect through HAProxy", last);
    }

    private static Predicate<List<Received>> got(int notifications) {
        return r -> r.stream().filter(x -> !x.isGap()).count() >= notifications;
    }

    /** What the client reads until {@code done} holds, the connection ends, or the timeout. */
    private static List<Received> read(Client c, Predicate<List<Received>> done, Duration timeout) throws Exception {
        List<Received> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(got) && System.nanoTime() < deadline) {
            Received r = c.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (r == null) {
                break;
            }
            got.add(r);
        }
        return got;
    }

    private static List<String> payloads(List<Received> received) {
        return received.stream().filter(r -> !r.isGap()).map(Received::payload).toList();
    }

    private static String reason(String gapJson) {
        return Json.createReader(new StringReader(gapJson)).readObject().getString("reason");
    }

    private static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, payload);
            s.execute();
        }
    }
}
