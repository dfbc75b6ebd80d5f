package pgeventserv.bench;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

/**
 * {@code scripts/bench --durable-delivery}: deliveries per second to 100 raw WebSocket clients of one channel, of
 * durable events ({@code eventserv.publish}) against plain {@code pg_notify}, in the same run, on one server. A
 * throwaway database gets the schema (a superuser is needed, as for the install) and is dropped after. Each phase
 * publishes the same number of events, as fast as one connection can, one a transaction, 100 a transaction or all
 * in one, and ends when every client has every event; phases alternate, plain first. Plain NOTIFY is published bare
 * and the way a durable event is, a row and a notification an event in the same transaction: a durable event is
 * such a row, so only that comparison says what the relay's durable path costs. Publishing is bound by the commits
 * (a WAL flush each, but for bare pg_notify); the drain after the last commit is the relay's own time, and with
 * every event in one transaction it is the whole delivery: through the read of the rows to the last client.
 */
public final class DurableDelivery {

    private static final String CHANNEL = "bench_durable_delivery";
    private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(3);

    /** Parameters: channel, payload prefix, events in the transaction; {@code twin}: the plain kind published the same way. */
    private record Kind(String name, String sql, String twin) {
    }

    private static final Kind PLAIN = new Kind("pg_notify", "SELECT count(pg_notify(?, ? || i)) FROM generate_series(1, ?) i", null);
    private static final Kind PLAIN_ROW = new Kind("pg_notify + a row", """
            WITH p AS (SELECT ?::text AS channel, ?::text AS prefix, ?::int AS n),
                 r AS (INSERT INTO bench_rows (channel, payload) SELECT p.channel, p.prefix || i FROM p, generate_series(1, p.n) i
                       RETURNING channel, payload)
            SELECT count(pg_notify(channel, payload)) FROM r""", null);
    private static final Kind DURABLE = new Kind("eventserv.publish",
            "SELECT count(eventserv.publish(?, ? || i)) FROM generate_series(1, ?) i", PLAIN_ROW.name());

    /**
     * {@code publishSeconds}: from the first statement to the last commit; {@code seconds}: to the last delivery. What
     * is left after the last commit ({@link #drainSeconds}) is the relay's own: near nothing while it keeps up.
     */
    private record Measured(String kind, int perTransaction, int events, long deliveries, double seconds, double publishSeconds) {
        double perSecond() {
            return deliveries / seconds;
        }

        double publishPerSecond() {
            return events / publishSeconds;
        }

        double drainSeconds() {
            return seconds - publishSeconds;
        }
    }

    private DurableDelivery() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 100;
        int events = 20_000;
        int singleEvents = 2_000;
        boolean asyncCommit = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--single-events" -> singleEvents = Integer.parseInt(args[++i]);
                case "--async-commit" -> asyncCommit = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            scripts/bench --durable-delivery [--clients N] [--events N] [--single-events N]
                              deliveries/s and publishes/s of durable events against pg_notify (bare, and with a row
                              in the same transaction) to N raw WebSocket clients (default 100): one event a
                              transaction (--single-events a phase, default 2,000), 100 a transaction and all in one
                              (--events a phase, default 20,000), on DATABASE_URL's server (a superuser: a throwaway
                              database with the schema is created and dropped)
                              --async-commit    synchronous_commit = off for the publisher, as the main bench's producer""");
                    return;
                }
                default -> {
                    System.err.println("bench: unknown argument '" + args[i] + "' (--help lists them)");
                    System.exit(2);
                }
            }
        }
        Path root = Path.of(System.getProperty("bench.root", "."));
        String url = System.getenv().getOrDefault("DATABASE_URL", BenchOptions.DEFAULT_DATABASE);
        ConnectionSettings server = DatabaseUrl.parse(url, System.getenv(), System.getProperty("user.name"));
        String database = "pgevs_delivery_bench_" + ProcessHandle.current().pid();
        ConnectionSettings scratch = new ConnectionSettings(server.host(), server.port(), database, server.user(),
                server.password(), server.options());
        boolean roleExisted;
        boolean publisherExisted;
        try (Connection admin = DurablePublish.connect(server); Statement s = admin.createStatement()) {
            roleExisted = DurablePublish.exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'eventserv_relay'");
            publisherExisted = DurablePublish.exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'eventserv_publisher'");
            s.execute("CREATE DATABASE " + database);
        }
        Path out = root.resolve("target/bench");
        Files.createDirectories(out);
        try {
            DurablePublish.install(scratch, Files.readString(root.resolve("sql/pg_eventserv.sql"), StandardCharsets.UTF_8)
                    + ";\n" + DurablePublish.ROWS_TABLE);
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            URI db = URI.create(url);
            Map<String, String> env = new HashMap<>();
            env.put("DATABASE_URL", new URI(db.getScheme(), db.getUserInfo(), db.getHost(), db.getPort(), "/" + database,
                    db.getQuery(), null).toString());
            env.put("ES_HTTPPORT", Integer.toString(port));
            env.put("ES_HTTPHOST", "127.0.0.1");
            System.err.println("bench: starting the server on port " + port + " (log: " + out.resolve("durable-delivery-server.log") + ")");
            try (ServerProcess serverProcess = ServerProcess.start(root.resolve("target/pg_eventserv.jar"), env, port,
                    out.resolve("durable-delivery-server.log"), 180_000)) {
                LongAdder received = new LongAdder();
                List<WebSocket> sockets = connect(port, clients, received);
                try {
                    for (Kind kind : List.of(PLAIN, PLAIN_ROW, DURABLE)) {   // warm-up
                        run(scratch, kind, 2_000, 100, clients, received, asyncCommit);
                    }
                    List<Measured> results = new ArrayList<>();
                    for (int perTransaction : new int[] {1, 100, events}) {
                        int n = perTransaction == 1 ? singleEvents : events;
                        for (Kind kind : List.of(PLAIN, PLAIN_ROW, DURABLE, PLAIN, PLAIN_ROW, DURABLE)) {
                            results.add(run(scratch, kind, n, perTransaction, clients, received, asyncCommit));
                        }
                    }
                    report(results, clients, asyncCommit);
                } finally {
                    sockets.forEach(WebSocket::abort);
                }
            }
        } finally {
            try (Connection admin = DurablePublish.connect(server); Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                if (!roleExisted) {
                    s.execute("DROP ROLE IF EXISTS eventserv_relay");
                }
                if (!publisherExisted) {
                    s.execute("DROP ROLE IF EXISTS eventserv_publisher");
                }
            }
        }
    }

    /** Raw WebSocket clients that count what they receive; the handshake ends once the channel is LISTENed. */
    private static List<WebSocket> connect(int port, int clients, LongAdder received) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        WebSocket.Listener counting = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                if (last) {
                    received.increment();
                }
                webSocket.request(1);
                return null;
            }
        };
        List<WebSocket> sockets = new ArrayList<>();
        URI listen = URI.create("ws://127.0.0.1:" + port + "/listen/" + CHANNEL);
        for (int i = 0; i < clients; i++) {
            sockets.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(listen, counting)
                    .get(60, TimeUnit.SECONDS));
        }
        return sockets;
    }

    private static Measured run(ConnectionSettings db, Kind kind, int events, int perTransaction, int clients,
            LongAdder received, boolean asyncCommit) throws Exception {
        long before = received.sum();
        long expected = (long) events * clients;
        long start = System.nanoTime();
        try (Connection c = DurablePublish.connect(db); PreparedStatement s = c.prepareStatement(kind.sql())) {
            if (asyncCommit) {
                try (Statement set = c.createStatement()) {
                    set.execute("SET synchronous_commit = off");
                }
            }
            s.setString(1, CHANNEL);
            for (int published = 0; published < events; published += perTransaction) {
                s.setString(2, "{\"n\": " + published + ", \"text\": \"a row as json, about sixty bytes\", \"i\": ");
                s.setInt(3, Math.min(perTransaction, events - published));
                s.execute();
            }
        }
        long published = System.nanoTime();
        long deadline = start + WAIT_NANOS;
        while (received.sum() - before < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        long end = System.nanoTime();
        long got = received.sum() - before;
        if (got < expected) {
            System.err.printf(Locale.ROOT, "bench: %s: %d of %d deliveries within %d s%n", kind.name(), got, expected,
                    TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS));
        }
        return new Measured(kind.name(), perTransaction, events, got, (end - start) / 1e9, (published - start) / 1e9);
    }

    private static void report(List<Measured> results, int clients, boolean asyncCommit) throws Exception {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nDurable delivery to %d raw WebSocket clients of one channel, synchronous_commit %s (load average %s)%n"
                        + "%-22s %9s %8s %11s %14s %9s %14s %10s %11s%n",
                clients, asyncCommit ? "off" : "as the server's", loadAverage(), "kind", "a tx", "events", "publish/s", "deliveries/s", "drain s", "after commit/s", "vs notify",
                "vs same way"));
        StringBuilder rows = new StringBuilder();
        for (Measured m : results) {
            double bare = average(results, PLAIN.name(), m.perTransaction());
            String sameWay = "";
            if (m.kind().equals(DURABLE.name())) {
                sameWay = String.format(Locale.ROOT, "%10.2fx", m.perSecond() / average(results, DURABLE.twin(), m.perTransaction()));
            }
            // All in one transaction, nothing reaches a client before the commit: the rest is the relay's rate.
            String afterCommit = m.perTransaction() < m.events() ? "" : String.format(Locale.ROOT, "%,.0f", m.deliveries() / m.drainSeconds());
            table.append(String.format(Locale.ROOT, "%-22s %9d %,8d %,11.0f %,14.0f %9.2f %14s %9.2fx %s%n", m.kind(),
                    m.perTransaction(), m.events(), m.publishPerSecond(), m.perSecond(), m.drainSeconds(), afterCommit,
                    m.perSecond() / bare, sameWay));
            rows.append(rows.isEmpty() ? "" : ",\n").append(String.format(Locale.ROOT,
                    "  {\"kind\": \"%s\", \"perTransaction\": %d, \"events\": %d, \"deliveries\": %d, \"seconds\": %.3f,"
                            + " \"publishSeconds\": %.3f, \"publishesPerSecond\": %.1f, \"deliveriesPerSecond\": %.1f}",
                    m.kind(), m.perTransaction(), m.events(), m.deliveries(), m.seconds(), m.publishSeconds(),
                    m.publishPerSecond(), m.perSecond()));
        }
        table.append("""
                drain s: from the last commit to the last delivery, the relay's own time; near 0 while it keeps up.
                after commit/s: all in one transaction, deliveries over the drain: the relay's own rate.
                vs same way: against pg_notify published as a durable event is, a row and a notification an event in
                one transaction (the fair comparison); vs notify: against bare pg_notify (no row, no WAL flush).
                """);
        System.out.print(table);
        Path json = Path.of(System.getProperty("bench.root", "."), "target/bench/durable-delivery.json");
        Files.writeString(json, "{\"clients\": " + clients + ", \"synchronousCommitOff\": " + asyncCommit
                + ", \"results\": [\n" + rows + "\n]}\n");
        System.out.println("\nwritten: " + json);
    }

    private static double average(List<Measured> results, String kind, int perTransaction) {
        return results.stream().filter(r -> r.kind().equals(kind) && r.perTransaction() == perTransaction)
                .mapToDouble(Measured::perSecond).average().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
