import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak run behind {@code scripts/soak}: starts pg_eventserv on a free loopback port, opens SOCKETS WebSocket
 * clients spread over CHANNELS channels, sends RATE notifications a second (spread over the channels, each numbered
 * per channel) for MINUTES minutes, and reports what every client received against what was sent for its channel,
 * with the server's heap (after a full GC) at the start, every minute, and at the end. Everything is bounded:
 * counts and times come from the arguments, and the run stops at the end or at the first Ctrl-C.
 *
 * <p>Usage (from the repository root, after a build):
 * {@code java -cp target/runtime/postgresql.jar scripts/Soak.java SOCKETS CHANNELS MINUTES RATE DATABASE_URL}
 */
public class Soak {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Exception e) {
            e.printStackTrace();
            status = 2;
        }
        // The WebSocket client's threads would keep the JVM alive after a failure.
        System.exit(status);
    }

    private static int run(String[] args) throws Exception {
        int sockets = Integer.parseInt(args[0]);
        int channels = Integer.parseInt(args[1]);
        int minutes = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        String databaseUrl = args[4];
        String prefix = "soak_" + ProcessHandle.current().pid() + "_";
        Path work = Files.createDirectories(Path.of("target", "soak"));
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/pg_eventserv.jar")
                .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        launch.environment().put("DATABASE_URL", databaseUrl);
        launch.environment().put("ES_HTTPHOST", "127.0.0.1");
        launch.environment().put("ES_HTTPPORT", Integer.toString(port));
        launch.environment().put("ES_CHANNELS", prefix + "*");
        Process launcher = launch.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(launcher)));

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        awaitReady(http, base, launcher);
        ProcessHandle server = launcher.toHandle().children().findFirst()
                .orElseThrow(() -> new IllegalStateException("no server process under the launcher"));
        System.out.printf("server pid %d on port %d; log: %s%n", server.pid(), port, work.resolve("server.log"));
        long heapBefore = heapAfterGc(http, base, server);

        ExecutorService callbacks = Executors.newFixedThreadPool(4);
        HttpClient wsHttp = HttpClient.newBuilder().executor(callbacks).build();
        List<Client> clients = new ArrayList<>(sockets);
        long openStart = System.nanoTime();
        for (int i = 0; i < sockets; i += 50) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(sockets, i + 50); j++) {
                Client client = new Client(j % channels);
                clients.add(client);
                batch.add(wsHttp.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/listen/" + prefix + client.channel), client));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        long heapOpen = heapAfterGc(http, base, server);
        System.out.printf("%d sockets open over %d channels in %d ms; heap %s before, %s with them open%n", sockets,
                channels, (System.nanoTime() - openStart) / 1_000_000, mib(heapBefore), mib(heapOpen));

        long[] sent = new long[channels];
        List<String> heapSamples = new ArrayList<>();
        try (Connection db = connect(databaseUrl);
             PreparedStatement notify = db.prepareStatement("SELECT pg_notify(?, ?)")) {
            long start = System.nanoTime();
            long end = start + TimeUnit.MINUTES.toNanos(minutes);
            long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
            long next = start;
            long nextSample = start + TimeUnit.MINUTES.toNanos(1);
            int channel = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now < next) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(next - now, 50_000_000));
                    continue;
                }
                notify.setString(1, prefix + channel);
                notify.setString(2, Long.toString(++sent[channel]));
                notify.execute();
                channel = (channel + 1) % channels;
                next += interval;
                if (now >= nextSample) {
                    heapSamples.add(mib(heapAfterGc(http, base, server)));
                    nextSample += TimeUnit.MINUTES.toNanos(1);
                }
            }
        }
        long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() < drainDeadline && !allDelivered(clients, sent)) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        long heapAfter = heapAfterGc(http, base, server);

        long totalSent = 0;
        for (long s : sent) {
            totalSent += s;
        }
        long expected = 0;
        long delivered = 0;
        int complete = 0;
        int closed = 0;
        long outOfOrder = 0;
        long minRatio = Long.MAX_VALUE;
        for (Client c : clients) {
            expected += sent[c.channel];
            delivered += c.received.get();
            outOfOrder += c.outOfOrder.get();
            if (c.received.get() == sent[c.channel] && c.outOfOrder.get() == 0) {
                complete++;
            }
            if (c.closedWith != 0) {
                closed++;
            }
            minRatio = Math.min(minRatio, sent[c.channel] == 0 ? 1000 : c.received.get() * 1000 / sent[c.channel]);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "soak: %d sockets x %d channels, %d min, %d notifications/s%n",
                sockets, channels, minutes, rate);
        System.out.printf(Locale.ROOT, "notifications sent: %d (per channel %d..%d)%n", totalSent, min(sent), max(sent));
        System.out.printf(Locale.ROOT, "deliveries: %d of %d expected; clients complete and in order: %d of %d;"
                + " lowest per-client ratio %.1f %%; out of order or duplicated: %d; closed by the server: %d%n",
                delivered, expected, complete, sockets, minRatio / 10.0, outOfOrder, closed);
        System.out.printf("server heap after full GC: before the sockets %s, with them open %s, per minute %s,"
                + " at the end %s%n", mib(heapBefore), mib(heapOpen), heapSamples, mib(heapAfter));

        for (Client c : clients) {
            c.socket.abort();
        }
        callbacks.shutdownNow();
        stop(launcher);
        return complete == sockets ? 0 : 1;
    }

    /** One socket: counts what arrives and checks each channel's numbers come one by one. */
    static final class Client implements WebSocket.Listener {
        final int channel;
        final AtomicLong received = new AtomicLong();
        final AtomicLong lastNumber = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        volatile int closedWith;
        volatile WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        Client(int channel) {
            this.channel = channel;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long n = Long.parseLong(partial.toString());
                partial.setLength(0);
                if (n != lastNumber.get() + 1) {
                    outOfOrder.incrementAndGet();
                }
                lastNumber.set(n);
                received.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedWith = 1006;
        }
    }

    private static boolean allDelivered(List<Client> clients, long[] sent) {
        for (Client c : clients) {
            if (c.received.get() < sent[c.channel] && c.closedWith == 0) {
                return false;
            }
        }
        return true;
    }

    private static void awaitReady(HttpClient http, String base, Process launcher) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the server exited: see target/soak/server.log");
            }
            try {
                if (get(http, base + "/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException("the server was not ready within " + READY_TIMEOUT.toSeconds() + " s");
    }

    /** The server's used heap right after a full GC (jcmd), from its own base metrics; -1 if it cannot be read. */
    private static long heapAfterGc(HttpClient http, String base, ProcessHandle server) {
        try {
            Process gc = new ProcessBuilder("jcmd", Long.toString(server.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(60, TimeUnit.SECONDS);
            String metrics = get(http, base + "/metrics?scope=base").body();
            Matcher m = Pattern.compile("(?m)^memory_usedHeap_bytes\\S* (\\S+)$").matcher(metrics);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            System.out.println("cannot read the server's heap: " + e + (server.isAlive() ? "" : " (the server is gone)"));
            return -1;
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Connection connect(String url) throws Exception {
        URI uri = URI.create(url);
        String user = uri.getUserInfo() == null ? System.getProperty("user.name") : uri.getUserInfo().split(":", 2)[0];
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            props.setProperty("password", uri.getUserInfo().split(":", 2)[1]);
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath(), props);
    }

    private static void stop(Process launcher) {
        if (launcher.isAlive()) {
            launcher.destroy();
            try {
                launcher.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static long min(long[] values) {
        long m = Long.MAX_VALUE;
        for (long v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static long max(long[] values) {
        long m = 0;
        for (long v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
