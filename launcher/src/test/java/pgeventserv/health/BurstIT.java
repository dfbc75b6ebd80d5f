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
import pgeventserv.SilentProxy;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * A burst: 1,000 clients open 1,000 fresh channels at once (raw WebSocket, event streams, and multiplexed sessions),
 * each sent a NOTIFY right after its open, while {@code /health/ready} is asked every 100 ms; then the same with the
 * database silently stalled (a proxy that stops forwarding). What it proves: every handshake completes (a WebSocket
 * answered 503 {@code Retry-After: 1} because 32 others were waiting for their LISTEN tries again, as it is told),
 * every NOTIFY arrives, readiness keeps answering, and the workers held by handshakes stay within their bound
 * (counted in thread dumps of the server's JVM). The figures (handshakes, retries, slowest readiness answer, most
 * handshakes waiting) are printed for docs/benchmarks.md; the test asserts only what must hold on any machine.
 * Against a server deployed by scripts/servers ({@code -Dit.base.url}), the first part only, without thread dumps,
 * asking the viewer where the server has no MicroProfile Health.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BurstIT {

    private static final int RAW = 400;
    private static final int STREAMS = 400;
    private static final int SESSIONS = 20;
    private static final int PER_SESSION = 10;
    private static final Duration WAIT = Duration.ofSeconds(60);
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
     * {@code /health/ready} every 100 ms, and the server's threads every 500 ms while a burst runs: a thread dump
     * ({@code jcmd Thread.print}) counts the workers parked waiting for a LISTEN, whatever the build measures.
     */
    private static final class Watch implements AutoCloseable {
        final AtomicLong slowestNanos = new AtomicLong();
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger notReady = new AtomicInteger();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger mostWaiting = new AtomicInteger();
        final AtomicInteger dumps = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "burst-watch");
        private final Thread dumper = new Thread(this::dump, "burst-thread-dumps");

        Watch() {
            thread.start();
            if (server != null) {
                dumper.start();
            }
        }

        private void dump() {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            String pid = Long.toString(server.serverJvm().pid());
            while (running.get()) {
                try {
                    Process p = new ProcessBuilder(jcmd, pid, "Thread.print").redirectErrorStream(true).start();
                    String threads = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    int parked = 0;
                    for (String stack : threads.split("\n\n")) {
                        if (stack.contains(".awaitListen(")) {
                            parked++;
                        }
                    }
                    int seen = parked;
                    mostWaiting.accumulateAndGet(seen, Math::max);
                    dumps.incrementAndGet();
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // The next dump.
                }
            }
        }

        private void run() {
            HttpRequest ready = HttpRequest.newBuilder(probe)
                    .timeout(Duration.ofSeconds(10)).build();
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
                } catch (Exception e) {
                    unanswered.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(20_000);
            dumper.interrupt();
            if (server != null) {
                dumper.join(20_000);
            }
        }

        String figures() {
            return answers + " answers of " + probe.getPath()
                    + " (" + notReady + " not ready, " + unanswered + " unanswered), slowest "
                    + TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()) + " ms; at most " + mostWaiting
                    + " workers parked waiting for a LISTEN in " + dumps + " thread dumps"
                    + (server == null ? " (none taken on a deployed server)" : "");
        }
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
            System.out.println("BurstIT healthy: " + delivered + " of " + (RAW + STREAMS + SESSIONS * PER_SESSION)
                    + " clients got the NOTIFY sent right after their open; " + retries
                    + " WebSocket handshakes answered 503 and retried; " + watch.figures());
            assertEquals(RAW + STREAMS + SESSIONS * PER_SESSION, delivered.get());
            assertEquals(0, watch.notReady.get() + watch.unanswered.get(), watch.figures());
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
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            Eventually.within(WAIT, "readiness reports the stall", () -> server.get("/health/ready").status() == 503);
            watch.close();
            System.out.println("BurstIT stalled: " + handshakes + " handshakes answered (" + refused
                    + " WebSocket ones with 503); " + watch.figures());
            assertEquals(200, handshakes.get());
            assertEquals(0, watch.unanswered.get(), "readiness always answered: " + watch.figures());
            assertTrue(watch.mostWaiting.get() <= 32, watch.figures());
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
