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
 * durable events ({@code pg_eventserv.publish}) against plain {@code pg_notify}, in the same run, on one server. A
 * throwaway database gets the schema (a superuser is needed, as for the install) and is dropped after. Each phase
 * publishes the same number of events, as fast as one connection can, and ends when every client has every event;
 * phases alternate, plain first. With 100 events a transaction durable phases are bound by the commits (a WAL flush
 * each); with every event in one transaction the figure is the delivery itself: from the commit, through the
 * read of the rows, to the last client.
 */
public final class DurableDelivery {

    private static final String CHANNEL = "bench_durable_delivery";
    private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(3);

    private record Kind(String name, String sql) {
    }

    private static final Kind PLAIN = new Kind("pg_notify", "SELECT count(pg_notify(?, ? || i)) FROM generate_series(1, ?) i");
    private static final Kind DURABLE = new Kind("pg_eventserv.publish",
            "SELECT count(pg_eventserv.publish(?, ? || i)) FROM generate_series(1, ?) i");

    private record Measured(String kind, int perTransaction, long deliveries, double seconds, double publishSeconds) {
        double perSecond() {
            return deliveries / seconds;
        }
    }

    private DurableDelivery() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 100;
        int events = 20_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("""
                            scripts/bench --durable-delivery [--clients N] [--events N]
                              deliveries/s of durable events against pg_notify to N raw WebSocket clients (default 100),
                              N events a phase (default 20,000), on DATABASE_URL's server (a superuser: a throwaway
                              database with the schema is created and dropped)""");
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
        try (Connection admin = DurablePublish.connect(server); Statement s = admin.createStatement()) {
            roleExisted = DurablePublish.exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'eventserv_relay'");
            s.execute("CREATE DATABASE " + database);
        }
        Path out = root.resolve("target/bench");
        Files.createDirectories(out);
        try {
            DurablePublish.install(scratch, Files.readString(root.resolve("sql/pg_eventserv.sql"), StandardCharsets.UTF_8));
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
                    run(scratch, PLAIN, 2_000, 100, clients, received);   // warm-up
                    run(scratch, DURABLE, 2_000, 100, clients, received);
                    List<Measured> results = new ArrayList<>();
                    for (int perTransaction : new int[] {100, events}) {
                        for (Kind kind : List.of(PLAIN, DURABLE, PLAIN, DURABLE)) {
                            results.add(run(scratch, kind, events, perTransaction, clients, received));
                        }
                    }
                    report(results, clients, events);
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
            LongAdder received) throws Exception {
        long before = received.sum();
        long expected = (long) events * clients;
        long start = System.nanoTime();
        try (Connection c = DurablePublish.connect(db); PreparedStatement s = c.prepareStatement(kind.sql())) {
            s.setString(1, CHANNEL);
            s.setInt(3, perTransaction);
            for (int published = 0; published < events; published += perTransaction) {
                s.setString(2, "{\"n\": " + published + ", \"text\": \"a row as json, about sixty bytes\", \"i\": ");
                s.execute();
            }
        }
        long published = System.nanoTime();
        long deadline = start + WAIT_NANOS;
        while (received.sum() - before < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        long got = received.sum() - before;
        if (got < expected) {
            System.err.printf(Locale.ROOT, "bench: %s: %d of %d deliveries within %d s%n", kind.name(), got, expected,
                    TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS));
        }
        return new Measured(kind.name(), perTransaction, got, (System.nanoTime() - start) / 1e9, (published - start) / 1e9);
    }

    private static void report(List<Measured> results, int clients, int events) throws Exception {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nDurable delivery: %,d events a phase to %d raw WebSocket clients%n%-22s %12s %14s %10s %12s %10s%n",
                events, clients, "kind", "a commit", "deliveries/s", "seconds", "publishing", "vs notify"));
        StringBuilder rows = new StringBuilder();
        for (Measured m : results) {
            double plain = results.stream().filter(r -> r.kind().equals(PLAIN.name()) && r.perTransaction() == m.perTransaction())
                    .mapToDouble(Measured::perSecond).average().orElse(Double.NaN);
            table.append(String.format(Locale.ROOT, "%-22s %12d %,14.0f %10.2f %12.2f %9.2fx%n", m.kind(), m.perTransaction(),
                    m.perSecond(), m.seconds(), m.publishSeconds(), m.perSecond() / plain));
            rows.append(rows.isEmpty() ? "" : ",\n").append(String.format(Locale.ROOT,
                    "  {\"kind\": \"%s\", \"perTransaction\": %d, \"deliveries\": %d, \"seconds\": %.3f, \"publishSeconds\": %.3f, \"deliveriesPerSecond\": %.1f}",
                    m.kind(), m.perTransaction(), m.deliveries(), m.seconds(), m.publishSeconds(), m.perSecond()));
        }
        System.out.print(table);
        Path json = Path.of(System.getProperty("bench.root", "."), "target/bench/durable-delivery.json");
        Files.writeString(json, "{\"clients\": " + clients + ", \"results\": [\n" + rows + "\n]}\n");
        System.out.println("\nwritten: " + json);
    }
}
