package pgeventserv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import pgeventserv.DurableDatabase;
import pgeventserv.EventStreamClient;
import pgeventserv.Eventually;
import pgeventserv.Scrape;
import pgeventserv.WebSocketClient;

/**
 * Issue 16's cluster test: three instances behind HAProxy (scripts/cluster) on a private cluster with the durable
 * schema, 100 event streams and 100 envelope WebSocket clients on one channel, a publisher of numbered durable
 * events, one instance SIGKILLed mid-stream; its clients reconnect through HAProxy with their last ids, and every
 * client must get every durable event exactly once, in order (gap messages allowed).
 */
class ClusterResumeIT {

    private static final ClusterScript CLUSTER = ClusterScript.perRun("cluster-resume-it");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FRONT = CLUSTER.front;
    private static final int EVENTS = 2_000;
    private static final int KILL_AFTER = 600;
    private static final int CLIENTS_EACH = 100;
    private static final String CHANNEL = "it_cluster_resume";
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";

    @AfterAll
    static void stopAll() throws Exception {
        CLUSTER.stopWithDatabase();
    }

    /** One client: follows the channel, reconnecting through HAProxy with its last id until it has every event. */
    private abstract static class Follower extends Thread {
        final List<Integer> received = new ArrayList<>();
        final AtomicInteger reconnects = new AtomicInteger();
        final CountDownLatch connected = new CountDownLatch(1);
        /** What happened to the connection, for the failure message: connects with the id given, gaps, ends. */
        final List<String> story = new ArrayList<>();
        volatile String lastId;
        volatile Exception lastFailure;
        private final long deadline;

        Follower(long deadline) {
            this.deadline = deadline;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (received.size() < EVENTS && System.nanoTime() < deadline) {
                story.add("connect after " + lastId + " (" + received.size() + " received)");
                try {
                    follow();
                    story.add("ended");
                } catch (Exception e) {
                    // The instance went away, or HAProxy had no instance for a moment: connect again with the last id.
                    lastFailure = e;
                    story.add("failed: " + e);
                }
                if (received.size() < EVENTS) {
                    reconnects.incrementAndGet();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        /** Reads until the connection ends or every event came. */
        abstract void follow() throws Exception;

        void take(String id, String payload) {
            received.add(Integer.parseInt(payload));
            lastId = id;
        }

        boolean timeLeft() {
            return System.nanoTime() < deadline;
        }

        Duration untilDeadline() {
            return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        }
    }

    private static final class StreamFollower extends Follower {
        private final URL front;

        StreamFollower(URL front, long deadline) {
            super(deadline);
            this.front = front;
        }

        @Override
        void follow() throws IOException {
            String[] headers = lastId == null ? new String[0] : new String[] {"Last-Event-ID: " + lastId};
            try (EventStreamClient client = EventStreamClient.open(front, "/listen/" + CHANNEL, headers)) {
                if (client.status() != 200) {
                    throw new IOException("status " + client.status());
                }
                connected.countDown();
                while (received.size() < EVENTS && timeLeft()) {
                    // No read timeout short of the deadline: a stream given up while the channel is quiet (before
                    // the first event) would come back with no id and miss what was published meanwhile, and the
                    // instance it left would count its session until a keep-alive found it gone. A killed instance
                    // ends the stream at once (HAProxy closes it).
                    EventStreamClient.Event event = client.next(untilDeadline());
                    if (event == null) {
                        return;
                    }
                    if (event.type().equals("message")) {
                        take(event.id(), event.data());
                    } else {
                        story.add(event.type() + ": " + event.data());
                    }
                }
            }
        }
    }

    private static final class EnvelopeFollower extends Follower {
        EnvelopeFollower(long deadline) {
            super(deadline);
        }

        @Override
        void follow() throws Exception {
            String query = lastId == null ? "" : "?lastEventId=" + URLEncoder.encode(lastId, StandardCharsets.UTF_8);
            try (WebSocketClient client = WebSocketClient.connect(
                    URI.create("ws://127.0.0.1:" + FRONT + "/listen/" + CHANNEL + query), ENVELOPE)) {
                connected.countDown();
                while (received.size() < EVENTS && timeLeft()) {
                    String message = client.next(Duration.ofMillis(500));
                    if (message == null) {
                        if (client.isClosed()) {
                            return;
                        }
                        continue;
                    }
                    JsonObject json = Json.createReader(new StringReader(message)).readObject();
                    if (json.getString("type").equals("notification")) {
                        take(json.getString("id"), json.getString("payload"));
                    } else {
                        story.add(message);
                    }
                }
            }
        }
    }

    @Test
    void everyClientGetsEveryDurableEventExactlyOnceInOrderThroughAKilledInstance() throws Exception {
        DurableDatabase db = CLUSTER.startOnDurableDatabase(3);
        URL front = CLUSTER.front();
        List<URL> instances = CLUSTER.instances();

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        List<Follower> followers = new ArrayList<>();
        for (int i = 0; i < CLIENTS_EACH; i++) {
            followers.add(new StreamFollower(front, deadline));
            followers.add(new EnvelopeFollower(deadline));
        }
        followers.forEach(Thread::start);
        for (Follower f : followers) {
            assertTrue(f.connected.await(60, TimeUnit.SECONDS), "every client connected");
        }
        AtomicInteger open = new AtomicInteger();
        try {
            Eventually.within(WAIT, "200 sessions open across the instances", () -> {
                int sum = 0;
                for (URL instance : instances) {
                    sum += (int) Scrape.metric(instance, "pg_eventserv_sessions_open");
                }
                open.set(sum);
                return sum == 2 * CLIENTS_EACH;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last count " + open.get() + "; reconnects "
                    + followers.stream().mapToInt(f -> f.reconnects.get()).sum() + ")", e);
        }

        try (Connection c = db.connect()) {
            for (int i = 0; i < EVENTS; i++) {
                DurableDatabase.publish(c, CHANNEL, Integer.toString(i));
                if (i == KILL_AFTER) {
                    assertTrue(CLUSTER.kill(1));
                }
                if (i % 100 == 0) {
                    Thread.sleep(100);
                }
            }
        }
        for (Follower f : followers) {
            f.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 5_000));
        }

        List<Integer> all = IntStream.range(0, EVENTS).boxed().toList();
        int reconnected = 0;
        for (Follower f : followers) {
            // join() makes what the thread received visible here.
            assertEquals(all, f.received, f.getClass().getSimpleName() + " after " + f.reconnects.get()
                    + " reconnects, the last failure " + f.lastFailure + "; its story: " + f.story);
            reconnected += f.reconnects.get() > 0 ? 1 : 0;
        }
        assertTrue(reconnected > 0, "the killed instance's clients reconnected");
    }
}
