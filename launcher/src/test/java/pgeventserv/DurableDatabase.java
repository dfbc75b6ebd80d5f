package pgeventserv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A private cluster with the durable events' schema, for tests: its roles ({@code eventserv_relay},
 * {@code eventserv_publisher}) are cluster-wide, so tests never install it on the shared server, where concurrent
 * sessions would collide.
 */
public final class DurableDatabase implements AutoCloseable {

    public static final Path SCRIPT = Path.of("sql/pg_eventserv.sql");

    private final PrivateCluster cluster;

    private DurableDatabase(PrivateCluster cluster) {
        this.cluster = cluster;
    }

    /** A started private cluster, the schema not installed yet. */
    public static DurableDatabase start() throws IOException, InterruptedException {
        PrivateCluster cluster = PrivateCluster.create();
        try {
            cluster.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return new DurableDatabase(cluster);
    }

    public String url() {
        return cluster.url();
    }

    public PrivateCluster cluster() {
        return cluster;
    }

    public Connection connect() throws SQLException {
        return cluster.connect();
    }

    /** Drops the schema (and an earlier release's) with every event, then runs the script as {@code --install-sql} does: one transaction. */
    public void installFresh() throws SQLException, IOException {
        String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("DROP SCHEMA IF EXISTS eventserv CASCADE; DROP SCHEMA IF EXISTS pg_eventserv CASCADE");
            s.execute(script);
            c.commit();
        }
    }

    /** Publishes with an idempotency key; the first event's position when the key was used, else null. */
    public static Long publish(Connection connection, String channel, String payload, String key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT eventserv.publish(?, ?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.setString(3, key);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long position = r.getLong(1);
                return r.wasNull() ? null : position;
            }
        }
    }

    public static void publish(Connection connection, String channel, String payload) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT eventserv.publish(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
