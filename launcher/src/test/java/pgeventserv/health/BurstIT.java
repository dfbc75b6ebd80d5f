package pgeventserv.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.EventStreamClient;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.Scrape;
import pgeventserv.SilentProxy;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * A burst: 1,000 clients open 1,000 fresh channels at once (raw WebSocket, event streams, and multiplexed sessions),
 * each sent a NOTIFY right after its open, while {@code /health/ready} is asked every 100 ms as a load balancer would,
 * with a 1 s timeout; then the same with the database silently stalled (a proxy that stops forwarding). What it
 * proves: every handshake completes (a WebSocket answered 503 {@code Retry-After: 1} because 32 others were waiting
 * for their LISTEN tries again, as it is told), every NOTIFY arrives, readiness answers every time within 1 s and
 * reports the stall, and the workers parked by handshakes stay within their bound.
 *
 * <p>Parked workers are counted by the server where they park: {@code pg_eventserv_handshakes_parked_most}, the most
 * at once since start, read after each part, so no peak falls between two samples. One thread dump of the server's
 * JVM during the stall, while parked handshakes wait their longest, counts them from outside as a check of that
 * count. Not a dump every 500 ms, as this test once took: each {@code jcmd} starts a JVM (1 to 2.7 s of this 2-core
 * machine during the burst) and stops the server at safepoints, and the slow readiness answers were those that fell
 * in a dump, seen alike by an outside {@code curl}.
 *
 * <p>The figures (handshakes, retries, slowest readiness answer, most workers parked) are printed for
 * docs/benchmarks.md. Against a server deployed by scripts/servers ({@code -Dit.base.url}), the first part only,
 * without the parked count, asking the viewer where the server has no MicroProfile Health.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BurstIT {

    private static final int RAW = 400;
    private static final int STREAMS = 400;
    private static final int SESSIONS = 20;
    private static final int PER_SESSION = 10;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** What a load balancer's health check would allow: an answer later than this takes the instance out. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(1);
    /** The most handshakes that may wait for their LISTEN on a worker at once (HandshakeWaits). */
    private static final int PARKED_BOUND = 32;
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A server the scripts of scripts/servers deployed the WAR on ({@code -Dit.base.url}), or null: our own. */
    private static final String DEPLOYED = System.getProperty("it.base.url");

    static SilentProxy proxy;
    static LaunchedServer server;
    static URL base;
    /** What the watch asks: {@code /health/ready}, or the viewer on a server without MicroProfile Health. */
    static URI probe;
    static TestDatabase db;

    @BeforeAll
    static void boot() throws Exception {
        db = new TestDatabase();
        if (DEPLOYED != null) {
            base = URI.create(DEPLOYED).toURL();
            probe = URI.create(DEPLOYED + "health/ready");
            if (HTTP.send(HttpRequest.newBuilder(probe).build(), HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 404) {
                probe = URI.create(DEPLOYED);
            }
            return;
        }
        URI direct = URI.create(TestDatabase.URL);
        proxy = new SilentProxy(direct.getHost(), direct.getPort());
        String throughProxy = "postgresql://" + direct.getRawUserInfo() + "@127.0.0.1:" + proxy.port()
                + direct.getRawPath();
        server = LaunchedServer.onLoopback("burst", throughProxy, Map.of("Channels", "it*", "HistoryMessages", "0"));
        base = server.base();
        probe = URI.create(base + "health/ready");
        Eventually.within(WAIT, "ready", () -> server.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /**
     * {@code /health/ready} every 100 ms while a burst runs, each answer awaited at most {@link #READY_WITHIN}, as a
     * load balancer's health check: one later than that counts as missed.
     */
    private static final class Watch implements AutoCloseable {
        final AtomicLong slowestNanos = new AtomicLong();
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger notReady = new AtomicInteger();
        final AtomicInteger late = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "burst-watch");

        Watch() {
            thread.start();
        }

        private void run() {
            HttpRequest ready = HttpRequest.newBuilder(probe).timeout(READY_WITHIN).build();
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    int status = HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                    slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    answers.incrementAndGet();
                    if (status != 200) {
                        notReady.incrementAndGet();
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (HttpTimeoutException e) {
                    late.incrementAndGet();
                } catch (Exception e) {
                    unanswered.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(20_000);
        }

        String figures() {
            return answers + " answers of " + probe.getPath() + " (" + notReady + " not ready, " + late
                    + " later than " + READY_WITHIN.toMillis() + " ms, " + unanswered + " unanswered), slowest "
                    + TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()) + " ms";
        }
    }

    /** The most workers parked at once for a LISTEN since the server started, as it counts them. */
    private static int mostParked() throws Exception {
        return (int) Scrape.metric(base, "pg_eventserv_handshakes_parked_most");
    }

    /** A thread dump of the server's JVM ({@code jcmd Thread.print}): the threads parked waiting for a LISTEN. */
    private static int parkedInThreadDump() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(server.serverJvm().pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String threads = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, threads);
        int parked = 0;
        for (String stack : threads.split("\n\n")) {
            if (stack.contains(".awaitListen(")) {
                parked++;
            }
        }
        return parked;
    }

    /** A raw WebSocket, retried as told while the server answers 503 with Retry-After. */
    private static WebSocketClient raw(String channel, AtomicInteger retries) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return WebSocketClient.connect(listenUri(channel));
            } catch (ExecutionException e) {
                if (attempt < 30 && e.getCause() instanceof WebSocketHandshakeException refused
                        && refused.getResponse().statusCode() == 503) {
                    retries.incrementAndGet();
                    Thread.sleep(1_000);
                    continue;
                }
                throw e;
            }
        }
    }

    @Test
    @Order(1)
    void aThousandFreshChannelsAtOnceAllOpenAndGetTheirFirstNotificationWhileReadinessAnswers() throws Exception {
        String run = TestDatabase.uniqueChannel("it_burst");
        AtomicInteger retries = new AtomicInteger();
        Queue<AutoCloseable> open = new ConcurrentLinkedQueue<>();
        AtomicInteger delivered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(RAW + STREAMS + SESSIONS);
        try (Watch watch = new Watch()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < RAW; i++) {
                String channel = run + "_w" + i;
                done.add(clients.submit(() -> {
                    WebSocketClient client = raw(channel, retries);
                    open.add(client);
                    db.notify(channel, "first");
                    assertEquals("first", client.next(WAIT), channel);
                    return delivered.incrementAndGet();
                }));
            }
            for (int i = 0; i < STREAMS; i++) {
                String channel = run + "_s" + i;
                done.add(clients.submit(() -> {
                    EventStreamClient stream = EventStreamClient.open(base, "/listen/" + channel);
                    open.add(stream);
                    assertEquals(200, stream.status(), stream.head());
                    db.notify(channel, "first");
                    assertEquals("first", stream.next(WAIT).data(), channel);
                    return delivered.incrementAndGet();
                }));
            }
            for (int i = 0; i < SESSIONS; i++) {
                String prefix = run + "_m" + i + "_";
                done.add(clients.submit(() -> {
                    WebSocketClient session = WebSocketClient.connect(
                            URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/listen"), ENVELOPE);
                    open.add(session);
                    for (int c = 0; c < PER_SESSION; c++) {
                        String channel = prefix + c;
                        session.socket().sendText("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}", true)
                                .join();
                        JsonObject reply = json(session.next(WAIT));
                        assertEquals("subscribed", reply.getString("type"), reply.toString());
                        db.notify(channel, "first");
                        JsonObject n = json(session.next(WAIT));
                        assertEquals("first", n.getString("payload"), n.toString());
                        delivered.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            watch.close();
            int parked = server == null ? -1 : mostParked();
            System.out.println("BurstIT healthy: " + delivered + " of " + (RAW + STREAMS + SESSIONS * PER_SESSION)
                    + " clients got the NOTIFY sent right after their open; " + retries
                    + " WebSocket handshakes answered 503 and retried; " + watch.figures()
                    + (server == null ? "" : "; at most " + parked + " workers parked waiting for a LISTEN"));
            assertEquals(RAW + STREAMS + SESSIONS * PER_SESSION, delivered.get());
            assertEquals(0, watch.notReady.get() + watch.late.get() + watch.unanswered.get(), watch.figures());
            assertTrue(parked <= PARKED_BOUND, "at most " + parked + " workers parked");
        } finally {
            open.forEach(BurstIT::quietly);
            clients.shutdownNow();
        }
    }

    /** Last: the pooled connections the stall silenced stay dead until the server finds out. */
    @Test
    @Order(2)
    void withTheDatabaseStalledReadinessSaysSoAndHandshakesHoldAtMostTheirBoundOfWorkers() throws Exception {
        Assumptions.assumeTrue(server != null, "the database is stalled through a proxy only for a server of our own");
        String run = TestDatabase.uniqueChannel("it_stall");
        Queue<AutoCloseable> open = new ConcurrentLinkedQueue<>();
        AtomicInteger handshakes = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(200);
        proxy.cut();
        try (Watch watch = new Watch()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String channel = run + "_" + i;
                boolean stream = i % 2 == 0;
                done.add(clients.submit(() -> {
                    if (stream) {
                        EventStreamClient client = EventStreamClient.open(base, "/listen/" + channel);
                        open.add(client);
                    } else {
                        try {
                            open.add(WebSocketClient.connect(listenUri(channel)));
                        } catch (ExecutionException e) {
                            if (e.getCause() instanceof WebSocketHandshakeException) {
                                refused.incrementAndGet();
                            } else {
                                throw e;
                            }
                        }
                    }
                    return handshakes.incrementAndGet();
                }));
            }
            // A parked handshake waits 5 s for a LISTEN the stalled connection never answers: halfway, they all wait.
            Thread.sleep(2_500);
            int inDump = parkedInThreadDump();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            Eventually.within(WAIT, "readiness reports the stall", () -> server.get("/health/ready").status() == 503);
            watch.close();
            int parked = mostParked();
            System.out.println("BurstIT stalled: " + handshakes + " handshakes answered (" + refused
                    + " WebSocket ones with 503); " + watch.figures() + "; at most " + parked
                    + " workers parked waiting for a LISTEN since start, " + inDump + " in a thread dump");
            assertEquals(200, handshakes.get());
            assertEquals(0, watch.late.get() + watch.unanswered.get(), "readiness always answered: " + watch.figures());
            assertTrue(parked <= PARKED_BOUND, "at most " + parked + " workers parked");
            assertTrue(inDump <= parked, inDump + " parked in the dump, the server counted at most " + parked);
        } finally {
            proxy.restore();
            open.forEach(BurstIT::quietly);
            clients.shutdownNow();
        }
    }

    private static URI listenUri(String channel) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/listen/" + channel);
    }

    private static JsonObject json(String message) {
        assertTrue(message != null, "a message within " + WAIT);
        return Json.createReader(new StringReader(message)).readObject();
    }

    private static void quietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing what the burst opened.
        }
    }
}
