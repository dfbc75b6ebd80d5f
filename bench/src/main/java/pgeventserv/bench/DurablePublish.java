package pgeventserv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

/**
 * {@code scripts/bench --durable-publish}: publishes per second through {@code eventserv.publish} against plain
 * {@code pg_notify}, in the same run, on the same server; no pg_eventserv server needed. The schema goes into a
 * throwaway database created for the run and dropped after it (with the roles {@code eventserv_relay} and
 * {@code eventserv_publisher} when the run created them), so the bench needs a role that may create databases and
 * roles. Each kind runs with 1 and 4 publishing connections, one and 10 events a transaction. Plain NOTIFY is measured bare (the ceiling: no row, so no WAL
 * flush at commit) and published the same way as a durable event, a row and a notification an event in one
 * transaction (the fair comparison: what an application that NOTIFYs beside its own row pays). Kinds alternate,
 * bare pg_notify first and last, so a machine whose load changes shows it as two different plain figures.
 */
public final class DurablePublish {

    private static final String PAYLOAD = "{\"id\": 42, \"name\": \"a row as json, about sixty bytes\"}";

    /** {@code twin}: the plain kind that publishes the same way (a row and a notification an event), or null. */
    private record Kind(String name, String sql, int eventsPerCall, String twin) {
    }

    /**
     * What an application that NOTIFYs beside its own row pays: the row in the same transaction. A durable event is
     * such a row, so this is the fair plain figure; bare pg_notify (no row, no WAL flush at commit) is the ceiling.
     */
    static final String ROWS_TABLE = "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, channel text NOT NULL,"
            + " payload text NOT NULL, time timestamptz NOT NULL DEFAULT clock_timestamp())";
    /** Parameters: channel, payload (a prefix when n > 1), n: as the publish kinds take them. */
    static String rowAndNotify(int n) {
        return "WITH p AS (SELECT ?::text AS channel, ?::text AS payload), r AS (INSERT INTO bench_rows (channel, payload)"
                + " SELECT p.channel, p.payload" + (n > 1 ? " || i" : "") + " FROM p, generate_series(1, " + n + ") i"
                + " RETURNING channel, payload) SELECT count(pg_notify(channel, payload)) FROM r";
    }

    private static final Kind NOTIFY = new Kind("pg_notify", "SELECT pg_notify(?, ?)", 1, null);
    private static final Kind NOTIFY_ROW = new Kind("pg_notify + a row", rowAndNotify(1), 1, null);
    private static final Kind NOTIFY_ROW_10 = new Kind("pg_notify + a row, 10 a tx", rowAndNotify(10), 10, null);
    private static final Kind PUBLISH = new Kind("publish", "SELECT eventserv.publish(?, ?)", 1, NOTIFY_ROW.name());
    private static final Kind PUBLISH_10 = new Kind("publish, 10 a tx",
            "SELECT count(eventserv.publish(?, ? || i)) FROM generate_series(1, 10) i", 10, NOTIFY_ROW_10.name());

    private record Measured(String kind, int connections, long events, double seconds) {
        double perSecond() {
            return events / seconds;
        }
    }

    private DurablePublish() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        boolean asyncCommit = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> seconds = Integer.parseInt(args[++i]);
                case "--async-commit" -> asyncCommit = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            scripts/bench --durable-publish [--duration S] [--async-commit]
                              publishes/s through eventserv.publish against pg_notify, on DATABASE_URL's server
                              (a superuser: a throwaway database with the schema is created and dropped)
                              --duration S      seconds per measurement (default 5)
                              --async-commit    synchronous_commit = off for every publisher (default: the server's)""");
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
        String database = "pgevs_durable_bench_" + ProcessHandle.current().pid();
        ConnectionSettings scratch = new ConnectionSettings(server.host(), server.port(), database, server.user(),
                server.password(), server.options());
        boolean roleExisted;
        boolean publisherExisted;
        try (Connection admin = connect(server); Statement s = admin.createStatement()) {
            roleExisted = exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'eventserv_relay'");
            publisherExisted = exists(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'eventserv_publisher'");
            s.execute("CREATE DATABASE " + database);
        }
        try {
            install(scratch, Files.readString(root.resolve("sql/pg_eventserv.sql"), StandardCharsets.UTF_8) + ";\n" + ROWS_TABLE);
            measure(scratch, NOTIFY, 1, 1, asyncCommit);   // warm-up: the JIT and the connections' first plans
            List<Measured> results = new ArrayList<>();
            for (int connections : new int[] {1, 4}) {
                for (Kind kind : List.of(NOTIFY, NOTIFY_ROW, PUBLISH, NOTIFY_ROW_10, PUBLISH_10, NOTIFY)) {
                    results.add(measure(scratch, kind, connections, seconds, asyncCommit));
                }
            }
            report(results, asyncCommit, server.describe(), root.resolve("target/bench/durable-publish.json"));
        } finally {
            try (Connection admin = connect(server); Statement s = admin.createStatement()) {
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

    private static Measured measure(ConnectionSettings db, Kind kind, int connections, int seconds, boolean asyncCommit)
            throws Exception {
        String channel = "durable_bench_" + ProcessHandle.current().pid();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        try {
            List<Future<Long>> workers = new ArrayList<>();
            for (int w = 0; w < connections; w++) {
                workers.add(pool.submit(() -> {
                    try (Connection c = connect(db); PreparedStatement s = c.prepareStatement(kind.sql())) {
                        if (asyncCommit) {
                            try (Statement set = c.createStatement()) {
                                set.execute("SET synchronous_commit = off");
                            }
                        }
                        s.setString(1, channel);
                        s.setString(2, PAYLOAD);
                        long events = 0;
                        while (System.nanoTime() < deadline) {
                            s.execute();
                            events += kind.eventsPerCall();
                        }
                        return events;
                    }
                }));
            }
            long events = 0;
            for (Future<Long> f : workers) {
                events += f.get(seconds + 60L, TimeUnit.SECONDS);
            }
            Measured m = new Measured(kind.name(), connections, events, (System.nanoTime() - start) / 1e9);
            return m;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void report(List<Measured> results, boolean asyncCommit, String server, Path json) throws IOException {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nDurable publish on %s, synchronous_commit %s, payload %d B%n%-28s %12s %14s %10s %12s%n", server,
                asyncCommit ? "off" : "as the server's", PAYLOAD.length(), "kind", "connections", "events/s", "vs notify",
                "vs same way"));
        StringBuilder rows = new StringBuilder();
        for (Measured m : results) {
            double notify = average(results, NOTIFY.name(), m.connections());
            String twin = KINDS.stream().filter(k -> k.name().equals(m.kind()) && k.twin() != null).map(Kind::twin).findFirst().orElse(null);
            String sameWay = twin == null ? "" : String.format(Locale.ROOT, "%11.2fx", m.perSecond() / average(results, twin, m.connections()));
            table.append(String.format(Locale.ROOT, "%-28s %12d %,14.0f %9.2fx %s%n", m.kind(), m.connections(), m.perSecond(),
                    m.perSecond() / notify, sameWay));
            rows.append(rows.isEmpty() ? "" : ",\n").append(String.format(Locale.ROOT,
                    "  {\"kind\": \"%s\", \"connections\": %d, \"events\": %d, \"seconds\": %.3f, \"eventsPerSecond\": %.1f}",
                    m.kind(), m.connections(), m.events(), m.seconds(), m.perSecond()));
        }
        System.out.print(table);
        Files.createDirectories(json.getParent());
        Files.writeString(json, "{\"synchronousCommitOff\": " + asyncCommit + ", \"results\": [\n" + rows + "\n]}\n");
        System.out.println("\nwritten: " + json);
    }

    private static final List<Kind> KINDS = List.of(NOTIFY, NOTIFY_ROW, NOTIFY_ROW_10, PUBLISH, PUBLISH_10);

    private static double average(List<Measured> results, String kind, int connections) {
        return results.stream().filter(r -> r.kind().equals(kind) && r.connections() == connections)
                .mapToDouble(Measured::perSecond).average().orElse(Double.NaN);
    }

    static void install(ConnectionSettings db, String script) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute(script);
            c.commit();
        }
    }

    static boolean exists(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1) > 0;
        }
    }

    static Connection connect(ConnectionSettings db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
    }
}
